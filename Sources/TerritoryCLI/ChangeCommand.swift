import ArgumentParser
import Foundation
import TerritoryKit

/// `territory change BEFORE AFTER --to-crs CRS (--grid M | --target FILE | --onto DATE) ...`.
struct ChangeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "change",
    abstract: "Compare two dates whose units were redrawn, on the same grid or zones.",
    discussion: """
      Both dates are interpolated onto the same targets (counts split by area, \
      rates averaged by area), so that the change can be read where the units \
      themselves cannot be compared. For each variable the output has \
      <name>_before, <name>_after, <name>_change (after - before) and \
      <name>_change_pct (empty where before is 0). A:B pairs field A of BEFORE \
      with field B of AFTER. The mass balance of each date is printed and written \
      to <output>.meta.json. With --grid, a cell only one date reaches keeps that \
      date's values and an empty change.

      Example:
        territory change tracts_2010.gpkg tracts_2022.gpkg --to-crs EPSG:31985 \\
          --grid 200 --extensive POP10:POP22 -o out/change_200m.gpkg
      """)

  @Argument(help: "The earlier date's units.")
  var before: String

  @Argument(help: "The later date's units.")
  var after: String

  @Option(name: .customLong("before-layer"), help: "The layer of BEFORE (first by default).")
  var beforeLayer: String?

  @Option(name: .customLong("after-layer"), help: "The layer of AFTER (first by default).")
  var afterLayer: String?

  @Option(
    name: .customLong("source-crs"),
    help: "Assume both dates are in this CRS (files whose CRS is missing or wrong).")
  var sourceCRS: CRS?

  @Option(
    name: .customLong("to-crs"),
    help: "The working CRS, projected in metres, where areas are measured.")
  var toCRS: CRS

  @OptionGroup var targets: TargetFlags

  @Option(help: "before or after: put both dates on that date's own units.")
  var onto: ChangeJob.Date?

  @Option(help: "Counts to compare, A or A:B (comma-separated; repeatable).")
  var extensive: [String] = []

  @Option(help: "Rates to compare, A or A:B (comma-separated; repeatable).")
  var intensive: [String] = []

  @Flag(
    name: .customLong("make-valid"), help: "Repair invalid geometries instead of refusing them.")
  var makeValid = false

  @Option(name: .customLong("max-cells"), help: "Refuse grids with more cells than this.")
  var maxCells = InterpolationJob.defaultMaximumCells

  @OptionGroup var output: OutputOptions

  @OptionGroup var jobs: JobsOption

  @OptionGroup var messages: QuietOption

  func validate() throws {
    let given = [targets.grid != nil, targets.target != nil, onto != nil].filter { $0 }.count
    guard given == 1 else {
      throw ValidationError("give exactly one of --grid, --target or --onto")
    }
  }

  func run() throws {
    func request(_ path: String, _ layer: String?) -> SourceRequest {
      var request = SourceRequest(path: path, layer: layer)
      request.sourceCRS = sourceCRS
      request.makeValid = makeValid
      return request
    }
    let destination: ChangeJob.Target
    if let onto {
      destination = .onto(onto)
    } else {
      switch try targets.resolve(crs: toCRS)! {
      case .grid(let shape): destination = .grid(shape)
      case .layer(let path, let layer): destination = .layer(path: path, layer: layer)
      }
    }
    var job = ChangeJob(
      before: request(before, beforeLayer), after: request(after, afterLayer), workingCRS: toCRS,
      target: destination, output: output.output)
    job.extensive = parseList(extensive).map(ChangeJob.Pair.init(parsing:))
    job.intensive = parseList(intensive).map(ChangeJob.Pair.init(parsing:))
    job.policy = output.policy
    job.maximumCells = maxCells
    job.threads = jobs.threads
    let summary = try Tools.change(job)
    messages.say(
      "wrote \(output.output): \(summary.written) \(targets.grid != nil ? "cells" : "targets") from \(summary.unitsBefore) units before and \(summary.unitsAfter) after (\(toCRS))"
    )
    if summary.coveredByOneDate > 0 {
      messages.say(
        "  \(summary.coveredByOneDate) cells reached by one date only: their change is empty")
    }
    for (date, balances) in [("before", summary.balancesBefore), ("after", summary.balancesAfter)] {
      for balance in balances {
        messages.say(
          "  \(balance.variable) (\(date)): in \(fixed(balance.totalIn)), out \(fixed(balance.totalOut)), outside every target \(fixed(balance.outside)) (\(balance.isBalanced ? "balanced" : "NOT balanced"))"
        )
      }
    }
    messages.say("  balances written to \(summary.metadataPath)")
  }
}

extension ChangeJob.Date: ExpressibleByArgument {}
