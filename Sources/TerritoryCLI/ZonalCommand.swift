import ArgumentParser
import Foundation
import TerritoryKit

/// `territory zonal RASTER ZONES [-l LAYER] [--band N] [--stats ...] [--rule ...] -o OUT`.
struct ZonalCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "zonal",
    abstract: "Statistics of a raster over polygons: count, min, max, mean, sum, std, majority.",
    discussion: """
      Zones are projected to the raster's CRS (the raster is never resampled). Pixel rules: \
      centre (the pixel's centre is inside the zone; GDAL's default), all-touched (the zone covers \
      some of the pixel), coverage (each pixel weighted by the exact fraction the zone covers). \
      Nodata pixels are left out; a zone without pixels gets count 0 and empty min, max and mean.

      Example:
        territory zonal Data/sites/olinda/olinda_dem_utm25s.tif \\
          Data/sites/olinda/olinda_tracts.gpkg --zones-crs EPSG:4674 \\
          --rule coverage -o out/elevation_by_tract.gpkg
      """)

  @Argument(help: "The raster.")
  var raster: String

  @Argument(help: "The zones (polygons).")
  var zones: String

  @Option(name: [.short, .long], help: "The zones' layer (first layer by default).")
  var layer: String?

  @Option(name: .customLong("zones-crs"), help: "Assume the zones are in this CRS.")
  var zonesCRS: CRS?

  @Option(help: "The raster band (1-based).")
  var band = 1

  @Option(help: "Statistics, comma-separated: count,min,max,mean,sum,std,majority.")
  var stats = "count,min,max,mean,sum,std"

  @Option(help: "Which pixels belong to a zone: centre, all-touched or coverage.")
  var rule = PixelRule.centre

  @OptionGroup var output: OutputOptions

  @OptionGroup var jobs: JobsOption

  @OptionGroup var messages: QuietOption

  @OptionGroup var table: TableOption

  func validate() throws { try table.validate(output: output.output) }

  func run() throws {
    var job = ZonalJob(raster: raster, zones: zones, output: output.output)
    job.layer = layer
    job.band = band
    job.threads = jobs.threads
    job.zonesCRS = zonesCRS
    job.statistics = try parseList([stats]).map { name in
      guard let statistic = ZonalStatistic(rawValue: name) else {
        throw CommandError(
          description:
            "unknown statistic '\(name)'; use some of \(ZonalStatistic.allCases.map(\.rawValue).joined(separator: ","))"
        )
      }
      return statistic
    }
    job.rule = rule
    job.outputTable = try table.parsed
    job.policy = output.policy
    let results = try Tools.zonal(job)
    let empty = results.filter { $0.count == 0 }.count
    let destination =
      PostgreSQLConnection.masked(output.output) + (table.table.map { " table \($0)" } ?? "")
    messages.say(
      "wrote \(destination): \(results.count) zones, \(job.rule.rawValue) rule, band \(band) of \(raster)"
    )
    if empty > 0 { messages.say("  \(empty) zones cover no pixel with a value (count 0)") }
  }
}
