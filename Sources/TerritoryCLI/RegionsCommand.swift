import ArgumentParser
import Foundation
import TerritoryKit

/// `territory regions UNITS --to-crs CRS --min FIELD=VALUE [--by …] [--method …] -o OUT.gpkg`.
struct RegionsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "regions",
    abstract: "Draw contiguous regions from the data, each reaching a floor (max-p, SKATER, AZP).",
    discussion: """
      Regions are groups of touching units (rook: sharing an edge; --contiguity \
      queen: a corner is enough; an island is joined to its nearest unit, and the \
      output says so). max-p draws as many regions as reach the floor (the sum of \
      FIELD at least VALUE in each), homogeneous in the --by variables (the sum \
      of squared deviations of their z-scores from the region's mean); skater and \
      azp draw --regions K. --seed makes every random choice reproducible. The \
      GeoPackage holds a layer regions (dissolved) and a layer units (each unit \
      with its region); --random N adds a layer zonings of N random contiguous \
      zonings with the same number of regions.

      Example:
        territory regions Data/sites/olinda/olinda_tracts.gpkg \\
          --source-crs EPSG:4674 --to-crs EPSG:31985 --min V014=5000 \\
          -o out/olinda_regions.gpkg
      """)

  @Argument(help: "The units (polygons).")
  var units: String

  @Option(name: [.short, .long], help: "The layer (first layer by default).")
  var layer: String?

  @Option(name: .customLong("source-crs"), help: "Assume the units are in this CRS.")
  var sourceCRS: CRS?

  @Option(
    name: .customLong("to-crs"),
    help: "The working CRS, projected, where contiguity and areas are measured.")
  var toCRS: CRS

  @Option(help: "The floor of every region: FIELD=VALUE (a count).")
  var min: String

  @Option(help: "Variables the regions are homogeneous in (comma-separated; repeatable).")
  var by: [String] = []

  @Option(help: "maxp (as many regions as reach the floor), skater or azp (with --regions).")
  var method = RegionsJob.Method.maxp

  @Option(help: "The number of regions for skater and azp.")
  var regions: Int?

  @Option(help: "rook (units sharing an edge) or queen (a corner is enough).")
  var contiguity = ContiguityRule.rook

  @Option(help: "The seed of the random choices.")
  var seed: UInt64 = 0

  @Option(help: "Random growths tried by max-p, random starts by azp.")
  var iterations = 200

  @Option(help: "Also draw N random contiguous zonings with as many regions.")
  var random = 0

  @Flag(
    name: .customLong("make-valid"), help: "Repair invalid geometries instead of refusing them.")
  var makeValid = false

  @OptionGroup var output: OutputOptions

  @OptionGroup var messages: QuietOption

  func validate() throws {
    guard parsedFloor != nil else {
      throw ValidationError("--min takes FIELD=VALUE, a field and a number, not '\(min)'")
    }
    if let regions, regions < 1 { throw ValidationError("--regions must be 1 or more") }
    guard iterations >= 1 else { throw ValidationError("--iterations must be 1 or more") }
    guard (0...10_000).contains(random) else {
      throw ValidationError("--random must be between 0 and 10000")
    }
  }

  private var parsedFloor: (field: String, value: Double)? {
    let parts = min.split(separator: "=", maxSplits: 1).map {
      $0.trimmingCharacters(in: .whitespaces)
    }
    guard parts.count == 2, !parts[0].isEmpty, let value = Double(parts[1]) else { return nil }
    return (parts[0], value)
  }

  func run() throws {
    var request = SourceRequest(path: units, layer: layer)
    request.sourceCRS = sourceCRS
    request.makeValid = makeValid
    let floor = parsedFloor!
    var job = RegionsJob(
      units: request, workingCRS: toCRS, floorField: floor.field, floorValue: floor.value,
      output: output.output)
    job.by = parseList(by)
    job.method = method
    job.regions = regions
    job.contiguity = contiguity
    job.seed = seed
    job.iterations = iterations
    job.randomZonings = random
    job.policy = output.policy
    let summary = try Tools.regions(job)
    messages.say(
      "wrote \(output.output): \(summary.regions) regions of \(summary.units) units (\(method.rawValue), \(contiguity.rawValue), seed \(seed))"
    )
    messages.say(
      "  every region holds \(floor.field) >= \(floor.value) (total \(summary.floorTotal))")
    if !job.by.isEmpty {
      messages.say(
        "  within-region sum of squared deviations: \(String(format: "%.6f", summary.objective))")
    }
    for join in summary.joins { messages.say("  \(join)") }
    if random > 0 { messages.say("  \(random) random zonings in the layer zonings") }
  }
}

extension RegionsJob.Method: ExpressibleByArgument {}
extension ContiguityRule: ExpressibleByArgument {}
