import ArgumentParser
import Foundation
import TerritoryKit

/// `territory interpolate SOURCE --to-crs CRS (--grid M | --target FILE) ...`.
struct InterpolateCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "interpolate",
    abstract: "Move counts, rates and categories from source polygons onto a grid or other zones.",
    discussion: """
      Extensive variables (counts) are split by area and their totals kept (the \
      mass balance is printed and written to <output>.meta.json, or to the comment \
      of a table); intensive variables (rates) become area-weighted means over the \
      covered part; categorical ones the share of covered area per category. With \
      --grid only the cells a source touches are written; with --target every \
      target, with its own attributes. When targets overlap (catchments), counts \
      are split by the share of the source's own area, and the output says so.

      Example:
        territory interpolate Data/sites/olinda/olinda_tracts.gpkg \\
          --source-crs EPSG:4674 --to-crs EPSG:31985 --grid 200 \\
          --extensive V014 --categorical TIPO -o out/olinda_200m.gpkg

      In the database (the source is a table, or --database names one for a file):
        territory interpolate PG:"service=workshop" -l census.tracts \\
          --to-crs EPSG:31985 --grid 100 --extensive V014 --engine postgis \\
          -o out/olinda_100m.gpkg

      A PG: output writes a table (--table schema.table, in one transaction). \
      With --engine postgis, the output in the database the job computes in, and \
      a grid or a target table of that database, the server builds the table \
      itself, and no geometry crosses the connection:
        territory interpolate PG:"service=workshop" -l census.tracts \\
          --to-crs EPSG:31985 --grid 100 --extensive V014 --engine postgis \\
          -o PG:"service=workshop" --table analysis.grid100
      """)

  @Argument(help: "The source polygons (administrative units with counts and rates).")
  var source: String

  @Option(name: [.short, .long], help: "The source layer (first layer by default).")
  var layer: String?

  @Option(name: .customLong("source-crs"), help: "Assume the source is in this CRS.")
  var sourceCRS: CRS?

  @Option(
    name: .customLong("to-crs"),
    help: "The working CRS, projected in metres, where areas are measured.")
  var toCRS: CRS

  @OptionGroup var targets: TargetOptions

  @Option(help: "Counts to split by area (comma-separated; repeatable).")
  var extensive: [String] = []

  @Option(help: "Rates or densities to average by area (comma-separated; repeatable).")
  var intensive: [String] = []

  @Option(help: "Categories to turn into shares of area (comma-separated; repeatable).")
  var categorical: [String] = []

  @Option(
    help:
      "Polygons where the values really are (built-up areas): only that part of each source counts."
  )
  var mask: String?

  @Flag(
    name: .customLong("make-valid"),
    help: "Repair invalid source geometries instead of refusing them.")
  var makeValid = false

  @Option(name: .customLong("max-cells"), help: "Refuse grids with more cells than this.")
  var maxCells = InterpolationJob.defaultMaximumCells

  @Option(
    help: """
      swift (in this process, the default) or postgis (inside the database: the source \
      table's own, or --database for a file).
      """)
  var engine = InterpolationEngine.swift

  @Option(
    help: "With --engine postgis and a file source: the PostGIS database to compute in (PG:…).")
  var database: String?

  @OptionGroup var output: OutputOptions

  @OptionGroup var table: TableOption

  @OptionGroup var jobs: JobsOption

  @OptionGroup var messages: QuietOption

  func validate() throws { try table.validate(output: output.output) }

  func run() throws {
    let working = toCRS
    var request = SourceRequest(path: source, layer: layer)
    request.sourceCRS = sourceCRS
    request.extensive = parseList(extensive)
    request.intensive = parseList(intensive)
    request.categorical = parseList(categorical)
    request.makeValid = makeValid
    let targetChoice = try targets.resolve(crs: working)
    var job = InterpolationJob(
      source: request, workingCRS: working, target: targetChoice, output: output.output)
    job.mask = mask.map { ($0, nil) }
    job.outputTable = try table.parsed
    job.policy = output.policy
    job.maximumCells = maxCells
    job.threads = jobs.threads
    job.engine = engine
    job.database = database
    let display = TerminalProgress.make(quiet: messages.quiet)
    defer { display?.stop() }
    job.progress = display
    printReport(try Tools.interpolate(job), working: working)
  }

  /// What was written, the repairs and warnings, and the mass balance of every count.
  private func printReport(_ summary: InterpolationJob.Summary, working: CRS) {
    let result = summary.result
    let kind = targets.isGrid ? "cells" : "targets"
    let destination =
      PostgreSQLConnection.masked(output.output) + (table.table.map { " table \($0)" } ?? "")
    messages.say(
      "wrote \(destination): \(summary.written) \(kind) from \(result.sourceCount) sources (\(working))"
    )
    if summary.builtInDatabase {
      messages.say("  built by the server: no geometry crossed the connection")
    }
    if let from = summary.reprojectedTargetsFrom {
      messages.say("  targets reprojected from \(from) to \(working)")
    }
    for warning in summary.sources.warnings { messages.say("  warning: \(warning)") }
    if summary.sources.repaired > 0 {
      messages.say("  \(summary.sources.repaired) invalid source geometries repaired")
    }
    if summary.sources.withoutGeometry > 0 {
      messages.say(
        "  \(summary.sources.withoutGeometry) sources without geometry: their counts fall outside every target"
      )
    }
    if !result.balances.isEmpty {
      messages.say("  counts split by \(result.rule.rawValue)")
    }
    for balance in result.balances {
      let state = balance.isBalanced ? "balanced" : "NOT balanced: targets overlap"
      messages.say(
        "  \(balance.variable): in \(fixed(balance.totalIn)), out \(fixed(balance.totalOut)), outside every target \(fixed(balance.outside)) (\(state))"
      )
    }
    messages.say("  balance written to \(summary.metadataPath)")
  }

}
