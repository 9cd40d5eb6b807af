import ArgumentParser
import Foundation
import TerritoryKit

/// `territory grid (--bbox ... | --extent-of FILE) --crs CRS --cell METRES ...`.
struct GridCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "grid",
    abstract: "Make a square or hexagonal grid aligned on multiples of the cell size.",
    discussion: """
      Square cell (col, row) covers [col·s, (col+1)·s) × [row·s, (row+1)·s) in the CRS, so grids \
      of different sizes nest; in EPSG:3035 each cell also gets its INSPIRE identifier. \
      Hexagons are pointy-top, s apart (centre of (col, row) at (col·s + (row mod 2)·s/2, row·1.5·s/√3)).

      Example:
        territory grid --extent-of Data/sites/olinda/olinda_tracts.gpkg \\
          --crs EPSG:31985 --cell 500 -o out/grid500.gpkg
      """)

  @Option(help: "The area to cover, XMIN,YMIN,XMAX,YMAX in the grid's CRS.")
  var bbox: String?

  @Option(name: .customLong("extent-of"), help: "Cover the extent of this vector file's layer.")
  var extentOf: String?

  @Option(name: [.short, .long], help: "The layer of --extent-of (first layer by default).")
  var layer: String?

  @Flag(
    name: .customLong("only-where-data"),
    help: "Keep only cells where the --extent-of layer has data.")
  var onlyWhereData = false

  @Option(help: "The grid's CRS: projected, in metres (e.g. EPSG:31985, EPSG:2154, EPSG:3035).")
  var crs: CRS

  @Option(help: "The cell size in metres (the distance between hexagon centres for --shape hex).")
  var cell: Double

  @Option(help: "square or hex.")
  var shape: ShapeOption = .square

  @Option(name: .customLong("max-cells"), help: "Refuse grids with more cells than this.")
  var maxCells = InterpolationJob.defaultMaximumCells

  @OptionGroup var output: OutputOptions

  @OptionGroup var messages: QuietOption

  @OptionGroup var table: TableOption

  func validate() throws {
    try table.validate(output: output.output)
    if (bbox == nil) == (extentOf == nil) {
      throw ValidationError("give exactly one of --bbox or --extent-of")
    }
    if onlyWhereData && extentOf == nil {
      throw ValidationError("--only-where-data needs --extent-of")
    }
  }

  func run() throws {
    let gridShape = try shape.make(cell: cell, crs: crs)
    let area: GridArea
    if let bbox {
      area = .box(try parseBox(bbox))
    } else {
      let source = LayerSource(path: extentOf!, layer: layer)
      area = onlyWhereData ? .dataIn(source) : .extent(of: source)
    }
    var job = GridJob(shape: gridShape, crs: crs, area: area, output: output.output)
    job.maximumCells = maxCells
    job.outputTable = try table.parsed
    job.policy = output.policy
    let cells = try Tools.grid(job)
    let destination =
      PostgreSQLConnection.masked(output.output) + (table.table.map { " table \($0)" } ?? "")
    messages.say("wrote \(destination): \(cells) cells (\(gridShape), \(crs))")
  }
}

/// `--shape square|hex`.
enum ShapeOption: String, ExpressibleByArgument, CaseIterable {
  case square, hex

  func make(cell: Double, crs: CRS) throws -> GridShape {
    try GridShape(hexagonal: self == .hex, cell: cell, crs: crs)
  }
}

/// Parses `XMIN,YMIN,XMAX,YMAX`.
func parseBox(_ text: String) throws -> Envelope {
  let numbers = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
  guard numbers.count == 4, let a = numbers[0], let b = numbers[1], let c = numbers[2],
    let d = numbers[3],
    a < c, b < d
  else {
    throw CommandError(
      description: "--bbox '\(text)' is not XMIN,YMIN,XMAX,YMAX with XMIN < XMAX and YMIN < YMAX")
  }
  return Envelope(minX: a, minY: b, maxX: c, maxY: d)
}

/// Splits `A,B` lists given to --extensive and friends.
func parseList(_ values: [String]) -> [String] {
  values.flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
    .filter { !$0.isEmpty }
}

/// A total as the balance lines print it: six decimals.
func fixed(_ value: Double) -> String { String(format: "%.6f", value) }
