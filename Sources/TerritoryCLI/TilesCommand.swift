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
      The output's extension picks the container: NAME.pmtiles (PMTiles v3), NAME.mbtiles
      (MBTiles 1.3), or a folder name without extension (z/x/y.pbf and metadata.json, TileJSON).
      Vector inputs of any format and CRS become one MVT layer each (named after the
      source layer, or -l, one per input). Polygons are simplified to about a pixel below
      the highest zoom, each shared border once for both sides, so neighbours stay
      gap-free. Tiles hold at most --max-tile-bytes and --max-tile-features; the smallest
      features are dropped first and every drop is reported per zoom. A raster input
      (an elevation model, a land-cover grid) gives 256-pixel PNG tiles instead.

      Examples:
        territory tiles Data/sites/olinda/olinda_tracts.gpkg -o out/tracts.pmtiles -zg
        territory tiles grid.gpkg -o out/grid.mbtiles -Z 8 -z 14 -y V014 --accumulate V014:sum
        territory tiles Data/sites/olinda/olinda_dem.tif -o out/dem -Z 10 -z 15 --hillshade
      """)

  @Argument(help: "Vector files (one layer each), or one raster.")
  var inputs: [String]

  @Option(name: .short, help: "The output: NAME.pmtiles, NAME.mbtiles or a folder.")
  var o: String

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
  var assumeCRS: String?

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

  @Option(
    name: .customLong("color-ramp"), help: "Raster tiles: a ramp (terrain, viridis, greys, ...).")
  var colorRamp: String?

  @Flag(help: "Raster tiles: a hillshade of the elevation model.")
  var hillshade = false

  @Flag(help: "Replace OUT if it exists.")
  var overwrite = false

  @Option(
    name: .customLong("max-tiles"), help: "Raster tiles: refuse pyramids of more tiles than this.")
  var maxTiles = RasterTileJob.defaultMaximumTiles

  @OptionGroup var jobs: JobsOption

  func validate() throws {
    if !y.isEmpty && !x.isEmpty { throw ValidationError("give -y or -x, not both") }
    if guessZoom && maxZoom != nil { throw ValidationError("give -z or -zg, not both") }
    if colorRamp != nil && hillshade {
      throw ValidationError("give --color-ramp or --hillshade, not both")
    }
  }

  func run() throws {
    let policy: ExistingOutputPolicy = overwrite ? .overwrite : .refuse
    if let raster = try rasterInput() {
      try runRaster(raster, policy: policy)
      return
    }
    guard l.isEmpty || l.count == inputs.count else {
      throw TilesError.layerNames(names: l.count, inputs: inputs.count)
    }
    var options = VectorTileOptions()
    options.minZoom = minZoom
    options.maxZoom = maxZoom ?? max(14, minZoom)
    options.simplification = simplify
    options.threads = jobs.threads
    guard simplify >= 0 && simplify.isFinite else {
      throw TilesError.badOption(
        option: "--simplify", value: "\(simplify)", expected: "0 or more pixels")
    }
    guard (0...2048).contains(buffer) else {
      throw TilesError.badOption(
        option: "--buffer", value: "\(buffer)", expected: "0 ... 2048 tile units")
    }
    options.buffer = buffer
    guard maxTileBytes > 0, maxTileFeatures > 0 else {
      throw TilesError.badOption(
        option: "--max-tile-bytes/--max-tile-features",
        value: "\(min(maxTileBytes, maxTileFeatures))",
        expected: "a positive number")
    }
    options.limits = TileLimits(
      maxBytes: maxTileBytes, maxFeatures: maxTileFeatures,
      accumulate: try accumulate.map(parseAccumulate))
    let assumed = try assumeCRS.map { definition throws(PROJError) in try CRS(definition) }
    let fields: TileLayerLoader.FieldSelection =
      !y.isEmpty ? .only(y) : !x.isEmpty ? .except(x) : .all
    let jobInputs = inputs.enumerated().map { index, path in
      VectorTileJob.Input(path: path, layer: sourceLayer, name: l.isEmpty ? nil : l[index])
    }
    let start = Date()
    let summary = try VectorTileJob.run(
      inputs: jobInputs, output: o, options: options, fields: fields, assumedCRS: assumed,
      guessMaxZoom: guessZoom, policy: policy,
      progress: { report in print(TilesCommand.line(report, accumulated: accumulate)) })
    let seconds = Date().timeIntervalSince(start)
    for layer in summary.layers where layer.withoutGeometry > 0 {
      print("  \(layer.name): \(layer.withoutGeometry) features without geometry are in no tile")
    }
    let tiles = summary.zooms.reduce(0) { $0 + $1.tiles }
    let bytes = summary.zooms.reduce(0) { $0 + $1.bytes }
    let dropped = summary.zooms.reduce(0) { $0 + $1.droppedForLimits }
    let small = summary.zooms.reduce(0) { $0 + $1.tooSmall }
    let layers = summary.layers.map { "\($0.name) (\($0.features) features)" }.joined(
      separator: ", ")
    print(
      "wrote \(o): \(tiles) tiles, zooms \(summary.minZoom)-\(summary.maxZoom), "
        + "\(TilesCommand.size(bytes)), layers \(layers); \(small) pieces too small to draw, "
        + "\(dropped) dropped for tile limits; \(String(format: "%.2f", seconds)) s")
  }

  private func parseAccumulate(_ text: String) throws -> AccumulatedField {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
    guard parts.count == 2, !parts[0].isEmpty, parts[1] == "sum" else {
      throw TilesError.badOption(option: "--accumulate", value: text, expected: "FIELD:sum")
    }
    return AccumulatedField(field: parts[0])
  }

  /// One zoom's line: tiles, features, bytes and every drop.
  static func line(_ report: ZoomReport, accumulated: [String]) -> String {
    var text =
      "z\(report.zoom): \(report.tiles) tiles, \(report.features) features, "
      + "\(size(report.bytes)) (largest \(size(report.largestTile)))"
    var notes: [String] = []
    if report.tooSmall > 0 { notes.append("\(report.tooSmall) pieces too small to draw") }
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
