import ArgumentParser
import Foundation
import TerritoryKit

/// The `territory` root command: it only lists the subcommands.
struct Territory: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "territory",
    abstract: "Territorial analysis for planning workshops: load, analyse across scales, export.",
    discussion: """
      Exit codes: 0 success; 1 bad input or failed command (one line 'error: ...' on \
      standard error, no output left behind); 64 wrong usage of the command line.

      Example:
        territory info Data/sites/olinda/olinda_tracts.gpkg
      """,
    version: TerritoryCommandLine.version,
    subcommands: [
      Info.self, Convert.self, GridCommand.self, InterpolateCommand.self, ZonalCommand.self,
      PointsCommand.self, ChangeCommand.self, RegionsCommand.self, SiteCommand.self,
      AnalyzeCommand.self,
      MapCommand.self,
      TilesCommand.self, WebCommand.self, ServeCommand.self, NetworkCommand.self,
      ReachCommand.self,
    ]
  )
}

/// Runs the `territory` command line and maps every outcome to an exit code.
public enum TerritoryCommandLine {
  /// The toolkit's version, printed by `territory --version`.
  public static let version = "0.1.0"

  /// Exit code of a successful command.
  public static let success: Int32 = 0
  /// Exit code for bad input or a failed command.
  public static let failure: Int32 = 1
  /// Exit code for a command line that does not parse (unknown option, missing argument).
  public static let usage: Int32 = 64

  /// Parses `arguments` (without the program name), runs the command, prints
  /// its output on standard output and any error as one `error: ...` line on
  /// standard error.
  /// - Returns: the exit code (`success`, `failure` or `usage`).
  public static func run(_ arguments: [String]) -> Int32 {
    var parsed: (any ParsableCommand)?
    do {
      var command = try Territory.parseAsRoot(arguments)
      parsed = command
      try command.run()
      return success
    } catch {
      if var message = describe(error) {
        if let parsed, let hint = ErrorHint.hint(for: error, in: parsed) {
          message += " (\(hint))"
        }
        printError(message)
        return failure
      }
      // Errors of the argument parser: help and version requests, usage errors.
      let code = Territory.exitCode(for: error)
      if code == .success {
        print(Territory.fullMessage(for: error))
        return success
      }
      if code == .validationFailure {
        printError(Territory.message(for: error), hint: "see 'territory --help'")
        return usage
      }
      printError(Territory.message(for: error))
      return failure
    }
  }

  /// One line for TerritoryKit's errors; `nil` for errors of the argument parser.
  static func describe(_ error: any Error) -> String? {
    switch error {
    case let error as GDALError: return error.description
    case let error as PROJError: return error.description
    case let error as GEOSError: return error.description
    case let error as OutputError: return error.description
    case let error as ConversionError: return error.description
    case let error as CommandError: return error.description
    case let error as AnalysisError: return error.description
    case let error as SiteError: return error.description
    case let error as SiteCheckFailure: return error.description
    case let error as MapError: return error.description
    case let error as StyleError: return error.description
    case let error as TilesError: return error.description
    case let error as SQLiteError: return error.description
    case let error as WebMapError: return error.description
    case let error as ServeError: return error.description
    case let error as NetworkError: return error.description
    case let error as CocoaError: return error.localizedDescription
    default: return nil
    }
  }

  static func printError(_ message: String, hint: String? = nil) {
    // No password reaches the terminal, whichever error names a connection.
    var text =
      "error: " + PostgreSQLConnection.masked(message.replacingOccurrences(of: "\n", with: " "))
    if let hint { text += "\n" + hint }
    FileHandle.standardError.write(Data((text + "\n").utf8))
  }
}

/// A problem with the command's arguments found after parsing.
struct CommandError: Error, CustomStringConvertible {
  let description: String

  init(description: String) { self.description = description }

  /// An option whose value cannot be used.
  init(option: String, value: String, expected: String) {
    description = "\(option) '\(value)' is not usable: expected \(expected)"
  }
}
