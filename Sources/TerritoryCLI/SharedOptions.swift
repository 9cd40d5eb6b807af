import ArgumentParser
import TerritoryKit

/// `-o/--output FILE` and `--overwrite`, for the commands that write one output.
struct OutputOptions: ParsableArguments {
  @Option(name: [.short, .long], help: "The output; its extension picks the format.")
  var output: String

  @Flag(help: "Replace the output if it exists.")
  var overwrite = false

  /// What to do with an existing output.
  var policy: ExistingOutputPolicy { overwrite ? .overwrite : .refuse }
}

/// `--table schema.table`, for the commands whose `-o` may be a `PG:` connection.
struct TableOption: ParsableArguments {
  @Option(help: "With a PG: output: the table to write, as schema.table.")
  var table: String?

  /// The table named, parsed.
  var parsed: PostGISTable? {
    get throws { try table.map(PostGISTable.init(parsing:)) }
  }

  /// Refuses a `PG:` output without `--table`, and `--table` with a file output.
  func validate(output: String) throws {
    let toDatabase = PostgreSQLConnection.isConnection(output)
    if toDatabase && table == nil {
      throw ValidationError("a PG: output needs --table schema.table to name the table to write")
    }
    if !toDatabase && table != nil {
      throw ValidationError(
        "--table names the table of a PG: output; for a file, the extension picks the format")
    }
  }
}

/// `--overwrite` alone, for the commands whose output is named otherwise.
struct OverwriteOption: ParsableArguments {
  @Flag(help: "Replace the output if it exists.")
  var overwrite = false

  /// What to do with an existing output.
  var policy: ExistingOutputPolicy { overwrite ? .overwrite : .refuse }
}

// A CRS on the command line: EPSG:n, WKT, PROJJSON or a PROJ string; one PROJ
// does not know is refused by the parser, with the option's help.
extension CRS: ExpressibleByArgument {
  public init?(argument: String) {
    guard let crs = try? CRS(argument) else { return nil }
    self = crs
  }
}

extension MapLanguage: ExpressibleByArgument {}
extension ClassificationMethod: ExpressibleByArgument {}
extension PixelRule: ExpressibleByArgument {}

extension PageSize: ExpressibleByArgument {
  public init?(argument: String) {
    guard let page = PageSize(rawValue: argument.uppercased()) ?? PageSize(rawValue: argument)
    else { return nil }
    self = page
  }
}

/// `--symbol plain|proportional`.
enum SymbolOption: String, ExpressibleByArgument, CaseIterable {
  case plain, proportional
}

extension InterpolationEngine: ExpressibleByArgument {}

/// `--quiet`, for the commands that report what they wrote on standard output.
struct QuietOption: ParsableArguments {
  @Flag(help: "Nothing on standard output and no progress bar; errors still go to standard error.")
  var quiet = false

  /// Prints `line` on standard output unless the command is quiet.
  func say(_ line: @autoclosure () -> String) {
    if !quiet { print(line()) }
  }
}
