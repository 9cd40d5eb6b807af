import ArgumentParser
import Foundation
import TerritoryKit

/// `territory points POINTS --to-crs CRS (--grid M | --target FILE) [--sum A] [--mean B] -o OUT`.
struct PointsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "points",
    abstract: "Count points per grid cell or zone, and sum or average their attributes.",
    discussion: """
      With --grid only cells holding points are written; with --target every zone, with its own \
      attributes. A point on the border of zones that tile the territory counts once; when zones \
      overlap (catchments), it counts in each zone that covers it.

      Example:
        territory points schools.gpkg --to-crs EPSG:31985 --grid 500 --sum pupils \\
          -o out/schools_500m.gpkg
      """)

  @Argument(help: "The points.")
  var points: String

  @Option(name: [.short, .long], help: "The points' layer (first layer by default).")
  var layer: String?

  @Option(name: .customLong("source-crs"), help: "Assume the points are in this CRS.")
  var sourceCRS: CRS?

  @Option(name: .customLong("to-crs"), help: "The working CRS, projected in metres.")
  var toCRS: CRS

  @OptionGroup var targets: TargetOptions

  @Option(help: "Numeric fields to sum per cell or zone (comma-separated).")
  var sum: [String] = []

  @Option(help: "Numeric fields to average per cell or zone (comma-separated).")
  var mean: [String] = []

  @OptionGroup var output: OutputOptions

  @OptionGroup var table: TableOption

  @OptionGroup var jobs: JobsOption

  @OptionGroup var messages: QuietOption

  func validate() throws { try table.validate(output: output.output) }

  func run() throws {
    let working = toCRS
    let choice = try targets.resolve(crs: working)
    var job = PointJob(points: points, workingCRS: working, target: choice, output: output.output)
    job.layer = layer
    job.sourceCRS = sourceCRS
    job.sum = parseList(sum)
    job.mean = parseList(mean)
    job.outputTable = try table.parsed
    job.policy = output.policy
    job.threads = jobs.threads
    let summary = try Tools.points(job)
    let destination =
      PostgreSQLConnection.masked(output.output) + (table.table.map { " table \($0)" } ?? "")
    messages.say(
      "wrote \(destination): \(summary.points) points in \(summary.targets) \(targets.isGrid ? "cells" : "zones")"
    )
    if summary.outside > 0 { messages.say("  \(summary.outside) points fall in no zone") }
    if summary.outsideCRS > 0 {
      messages.say(
        "  \(summary.outsideCRS) of them cannot be placed in \(working) (outside the area it is defined for)"
      )
    }
    if summary.withoutGeometry > 0 {
      messages.say("  \(summary.withoutGeometry) features have no geometry")
    }
  }
}
