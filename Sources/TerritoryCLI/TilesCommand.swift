import ArgumentParser
import Foundation
import TerritoryKit

/// `territory tiles INPUT... -o OUT [-Z MIN] [-z MAX | -zg] [-l NAME]... [-y F | -x F]...`.
struct TilesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tiles",
    abstract:
      "Cut vector layers (or one raster) into map tiles: PMTiles, MBTiles or a z/x/y folder.",
    discussion: """
      The output's extension picks the container: NAME.pmtiles (PMTiles v3), NAME.mbtiles \
      (MBTiles 1.3), or a folder name without extension (z/x/y.pbf and metadata.json, TileJSON). \
      Vector inputs of any format and CRS become one MVT layer each (named after the \
      source layer, or -l, one per input). Polygons are simplified to about a pixel below \
      the highest zoom, each shared border once for both sides, so neighbours stay \
      gap-free. Tiles hold at most --max-tile-bytes and --max-tile-features; the smallest \
      features are dropped first and every drop is reported per zoom. Polygons too \
      small to draw at a zoom, where no drawn neighbour covers them, are kept as \
      pixel squares covering about their total area (--no-dust lets them vanish). A raster input \
      (an elevation model, a land-cover grid) gives 256-pixel PNG tiles instead. \
      A PostgreSQL connection is an input too: -l schema.table names the table, read \
      through a cursor, and its MVT layer takes the table's name.

      Examples:
        territory tiles Data/sites/olinda/olinda_tracts.gpkg -o out/tracts.pmtiles \\
          -zg
        territory tiles grid.gpkg -o out/grid.mbtiles -Z 8 -z 14 -y V014 \\
          --accumulate V014:sum
        territory tiles Data/sites/olinda/olinda_dem_utm25s.tif -o out/dem \\
          -Z 10 -z 15 --hillshade
        territory tiles PG:"service=workshop" -l census.tracts -o out/tracts.pmtiles
      """)

  @Argument(help: "Vector files (one layer each), PG: connections, or one raster.")
  var inputs: [String]

  @Option(name: [.short, .long], help: "The output: NAME.pmtiles, NAME.mbtiles or a folder.")
  var output: String

  @Option(name: .customShort("Z"), help: "Lowest zoom (0 by default).")
  var minZoom = 0

  @Option(name: .customShort("z"), help: "Highest zoom (14 by default for vectors).")
  var maxZoom: Int?

  @Flag(
    name: .customLong("zg", withSingleDash: true),
    help: "Guess the highest zoom from the features' sizes.")
  var guessZoom = false

  @Option(name: .short, help: "MVT layer name of each input, in order (one per input).")
  var l: [String] = []

  @Option(
    name: .customLong("source-layer"), help: "The layer to read in each input (first by default).")
  var sourceLayer: String?

  @Option(name: .short, help: "Keep only this attribute (repeat for several).")
  var y: [String] = []

  @Option(name: .short, help: "Leave out this attribute (repeat for several).")
  var x: [String] = []

  @Option(name: .customLong("assume-crs"), help: "The CRS of inputs that have none.")
  var assumeCRS: CRS?

  @Option(name: .customLong("max-tile-bytes"), help: "Largest tile as stored (default 512000).")
  var maxTileBytes = 500 * 1024

  @Option(name: .customLong("max-tile-features"), help: "Most features per tile (default 200000).")
  var maxTileFeatures = 200_000

  @Option(
    name: .customLong("accumulate"),
    help: "FIELD:sum adds the field of dropped features to the nearest kept one (repeatable).")
  var accumulate: [String] = []

  @Option(help: "Simplification below the highest zoom, in pixels of a 256-pixel tile (0: none).")
  var simplify = 1.0

  @Option(help: "Tile units kept around each tile (of 4096).")
  var buffer = 80

  @Flag(
    name: .customLong("no-dust"),
    help: "Let polygons too small for a zoom vanish instead of keeping them as pixel squares.")
  var noDust = false

  @Option(
    name: .customLong("color-ramp"), help: "Raster tiles: a ramp (terrain, viridis, greys, ...).")
  var colorRamp: String?

  @Flag(help: "Raster tiles: a hillshade of the elevation model.")
  var hillshade = false

  @OptionGroup var overwrite: OverwriteOption

  @Option(
    name: .customLong("max-tiles"), help: "Raster tiles: refuse pyramids of more tiles than this.")
  var maxTiles = RasterTileJob.defaultMaximumTiles

  @OptionGroup var jobs: JobsOption

  @OptionGroup var messages: QuietOption

  func validate() throws {
    if !y.isEmpty && !x.isEmpty { throw ValidationError("give -y or -x, not both") }
    if guessZoom && maxZoom != nil { throw ValidationError("give -z or -zg, not both") }
    if colorRamp != nil && hillshade {
      throw ValidationError("give --color-ramp or --hillshade, not both")
    }
  }

  func run() throws {
    // Tiling frees large arrays at every zoom; mapped on their own, they leave
    // nothing resident behind them (`FreedMemory.mapLargeBlocks`).
    FreedMemory.mapLargeBlocks()
    var job = TilesJob(inputs: inputs, output: output)
    job.sourceLayer = sourceLayer
    job.names = l
    job.vector.minZoom = minZoom
    job.vector.maxZoom = maxZoom ?? max(14, minZoom)
    job.vector.simplification = simplify
    job.vector.buffer = buffer
    job.vector.dust = !noDust
    job.vector.threads = jobs.threads
    job.guessMaxZoom = guessZoom
    job.fields = !y.isEmpty ? .only(y) : !x.isEmpty ? .except(x) : .all
    job.assumedCRS = assumeCRS
    job.policy = overwrite.policy
    job.maximumTiles = maxTiles
    let raster = try job.rasterInput()
    if raster != nil {
      job.rasterStyle =
        hillshade ? .hillshade : try colorRamp.map { .ramp(try ColourRamp(name: $0)) }
    } else {
      try checkVectorOptions()
      job.vector.limits = TileLimits(
        maxBytes: maxTileBytes, maxFeatures: maxTileFeatures,
        accumulate: try accumulate.map(parseAccumulate))
    }
    let display = TerminalProgress.make(quiet: messages.quiet)
    defer { display?.stop() }
    job.vector.progress = display
    let start = Date()
    let result = try Tools.tiles(
      job, vectorZoom: { messages.say(TilesCommand.line($0, accumulated: accumulate)) },
      rasterZoom: { messages.say(TilesCommand.rasterLine($0)) })
    messages.say(
      TilesCommand.summary(result, output: output, seconds: Date().timeIntervalSince(start)))
  }

  /// The options that only vector tiles take, checked.
  private func checkVectorOptions() throws {
    if colorRamp != nil || hillshade {
      throw CommandError(
        option: hillshade ? "--hillshade" : "--color-ramp", value: inputs.joined(separator: " "),
        expected: "one raster input (an elevation model, a land-cover grid)")
    }
    guard simplify >= 0 && simplify.isFinite else {
      throw CommandError(option: "--simplify", value: "\(simplify)", expected: "0 or more pixels")
    }
    guard (0...2048).contains(buffer) else {
      throw CommandError(option: "--buffer", value: "\(buffer)", expected: "0 ... 2048 tile units")
    }
    guard maxTileBytes > 0, maxTileFeatures > 0 else {
      throw CommandError(
        option: "--max-tile-bytes/--max-tile-features",
        value: "\(min(maxTileBytes, maxTileFeatures))", expected: "a positive number")
    }
  }

  private func parseAccumulate(_ text: String) throws -> AccumulatedField {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    guard parts.count == 2, !parts[0].isEmpty, parts[1] == "sum" else {
      throw CommandError(option: "--accumulate", value: text, expected: "FIELD:sum")
    }
    return AccumulatedField(field: parts[0])
  }

  /// One zoom's line: tiles, features, bytes and every drop.
  static func line(_ report: ZoomReport, accumulated: [String]) -> String {
    let text =
      "z\(report.zoom): \(report.tiles) tiles, \(report.features) features, "
      + "\(size(report.bytes)) (largest \(size(report.largestTile)))"
    var notes: [String] = []
    if report.tooSmall > 0 {
      notes.append(
        "\(report.tooSmall) pieces too small to draw"
          + (report.dust > 0 ? " (\(report.dust) pixel squares stand for them)" : ""))
    }
    if report.droppedForLimits > 0 {
      notes.append(
        "\(report.droppedForLimits) dropped in \(report.tilesOverLimit) tiles over the limits")
    }
    if report.repaired > 0 { notes.append("\(report.repaired) repaired after rounding") }
    if !accumulated.isEmpty && (report.carried != 0 || report.uncarried != 0) {
      let fields = accumulated.map { $0.split(separator: ":")[0] }.joined(separator: ", ")
      notes.append(
        report.uncarried == 0
          ? "\(fields) totals kept exactly in every tile (\(number(report.carried)) carried onto kept features)"
          : "\(fields): \(number(report.carried)) carried, \(number(report.uncarried)) lost in tiles left empty"
      )
    }
    return notes.isEmpty ? text : text + "; " + notes.joined(separator: "; ")
  }

  static func size(_ bytes: Int) -> String {
    bytes >= 1 << 20
      ? String(format: "%.1f MiB", Double(bytes) / 1_048_576)
      : String(format: "%.1f KiB", Double(bytes) / 1024)
  }

  static func number(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15
      ? String(Int64(value)) : String(format: "%.6g", value)
  }
}
