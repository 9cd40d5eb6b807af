import ArgumentParser
import Foundation
import TerritoryKit

/// `territory convert INPUT OUTPUT [-l NAME] [--to-crs CRS] [--make-valid] [--overwrite]`,
/// and `territory convert INPUT PG:… --table schema.table` to load a PostGIS table.
struct Convert: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Copy vector layers to another format, optionally reprojected and repaired.",
    discussion: """
      The output format follows the extension: .gpkg, .geojson (RFC 7946, always WGS 84), \
      .geojsonl (one feature per line), .fgb, .shp, .csv (geometry as WKT). Every layer is \
      copied unless --layer names some; every feature and attribute is kept with its type.

      A PostgreSQL connection as the output (PG:"service=…" or PG:"host=… dbname=…") \
      loads one layer into the PostGIS table named by --table, in one transaction: a \
      failure leaves no table, and --overwrite replaces an existing one at once. The \
      table gets a primary key fid, a spatial index on geom and fresh statistics:
        territory convert tracts.gpkg PG:"service=workshop" --table census.tracts

      Example:
        territory convert Data/sites/olinda/olinda_tracts.gpkg out/tracts.fgb \\
          --to-crs EPSG:31985
      """)

  @Argument(help: "The vector file to read.")
  var input: String

  @Argument(help: "The file to write (its extension picks the format), or a PG: connection.")
  var output: String

  @OptionGroup var table: TableOption

  @Option(
    name: [.short, .long], help: "A layer to copy (repeat for several); all layers by default.")
  var layer: [String] = []

  @Option(
    name: .customLong("to-crs"),
    help: "Reproject to this CRS (EPSG:n, WKT, PROJJSON or PROJ string).")
  var toCRS: CRS?

  @Option(
    name: .customLong("source-crs"),
    help: "Assume the input is in this CRS (for files whose CRS is missing or wrong).")
  var sourceCRS: CRS?

  @Flag(
    name: .customLong("make-valid"),
    help: "Repair invalid geometries (GEOS make-valid; polygon layers keep their polygons).")
  var makeValid = false

  @Option(help: "Decimals of GeoJSON coordinates (7 is about 1 cm).")
  var precision = 7

  @Flag(help: "Write a bbox for each feature and for the collection (GeoJSON).")
  var bbox = false

  @OptionGroup var overwrite: OverwriteOption

  @OptionGroup var jobs: JobsOption

  @OptionGroup var messages: QuietOption

  func validate() throws {
    guard (0...15).contains(precision) else {
      throw ValidationError("--precision must be between 0 and 15, not \(precision)")
    }
    try table.validate(output: output)
  }

  func run() throws {
    var job = ConvertJob(input: input, output: output)
    job.options.layers = layer
    job.options.targetCRS = toCRS
    job.options.sourceCRS = sourceCRS
    job.options.makeValid = makeValid
    job.options.policy = overwrite.policy
    job.options.decimals = precision
    job.boundingBoxes = bbox
    job.threads = jobs.threads
    job.table = try table.parsed
    let display = TerminalProgress.make(quiet: messages.quiet)
    defer { display?.stop() }
    job.progress = display
    let report = try Tools.convert(job)
    messages.say("wrote \(report.path) (\(report.format.rawValue))")
    for layer in report.layers {
      let crs = layer.crs?.description ?? "no CRS"
      messages.say(
        "  \(layer.name): \(layer.read) features read, \(layer.written) written, \(layer.geometryType.rawValue), \(crs)"
      )
      if layer.nullGeometries > 0 {
        messages.say(
          "    \(layer.nullGeometries) features have no geometry in the input (kept without geometry)"
        )
      }
      if layer.invalid > 0 {
        let ids = layer.firstInvalidIDs.map(String.init).joined(separator: ", ")
        if makeValid {
          messages.say("    \(layer.repaired) invalid geometries repaired (first ids: \(ids))")
          if layer.collapsed > 0 {
            messages.say(
              "    \(layer.collapsed) of them kept no area and were written without geometry")
          }
        } else {
          messages.say(
            "    \(layer.invalid) invalid geometries written as they are (first ids: \(ids)); --make-valid repairs them"
          )
        }
      }
      for warning in layer.warnings { messages.say("    warning: \(warning)") }
    }
  }
}
