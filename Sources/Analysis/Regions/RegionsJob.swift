import Foundation
import GDALKit
import GEOSKit
import GeoCore
import PROJKit

/// Regions drawn from the data, as `territory regions` draws them: contiguous
/// groups of units, each reaching a floor (`--min FIELD=VALUE`), homogeneous
/// in the `--by` variables; written as a layer `regions` (dissolved, with
/// their units, summed floor field and area-weighted means) and a layer
/// `units` (each unit with its region).
public struct RegionsJob: Sendable {
  /// How the regions are drawn.
  public enum Method: String, Sendable, CaseIterable {
    /// As many regions as reach the floor (max-p).
    case maxp
    /// `regions` cuts of a minimum spanning tree (SKATER).
    case skater
    /// `regions` regions from a random start improved by moves (AZP).
    case azp
  }

  /// The units (polygons).
  public var units: SourceRequest
  /// The projected CRS where contiguity and areas are measured.
  public var workingCRS: CRS
  /// The count every region must reach, and the floor.
  public var floorField: String
  /// The floor.
  public var floorValue: Double
  /// The variables regions are made homogeneous in (standardised).
  public var by: [String] = []
  /// The method.
  public var method = Method.maxp
  /// The number of regions, for `skater` and `azp`.
  public var regions: Int?
  /// Which units are neighbours.
  public var contiguity = ContiguityRule.rook
  /// The seed of every random choice: the same seed, the same regions.
  public var seed: UInt64 = 0
  /// Random growths tried by max-p (and random starts by AZP).
  public var iterations = 200
  /// Random contiguous zonings to draw as well, with the same number of regions.
  public var randomZonings = 0
  /// The output GeoPackage.
  public var output: String
  /// Whether an existing output may be replaced.
  public var policy = ExistingOutputPolicy.refuse

  /// Regions of `units` in `workingCRS`, each reaching `floorValue` of `floorField`.
  public init(
    units: SourceRequest, workingCRS: CRS, floorField: String, floorValue: Double, output: String
  ) {
    self.units = units
    self.workingCRS = workingCRS
    self.floorField = floorField
    self.floorValue = floorValue
    self.output = output
  }

  /// What the job drew.
  public struct Summary: Sendable {
    /// The regions drawn.
    public var regions: Int
    /// The units read.
    public var units: Int
    /// The sum over regions of the squared deviations of the standardised
    /// `--by` variables from their region's mean (lower is more homogeneous).
    public var objective: Double
    /// The floor field's total over all units.
    public var floorTotal: Double
    /// Islands joined to their nearest unit, as sentences.
    public var joins: [String]
    /// Each unit's region, in the units' order.
    public var labels: [Int]
  }

  /// Draws the regions and writes them.
  /// - Throws: `AnalysisError` (a floor no region can reach, a number of
  ///   regions out of range, a field missing or of text type, invalid
  ///   geometries without `makeValid`), `GDALError`, `GEOSError`, `OutputError`.
  public func run() throws -> Summary {
    guard workingCRS.isProjected else {
      throw AnalysisError.workingCRSNotProjected(crs: workingCRS.description)
    }
    guard floorValue.isFinite, floorValue >= 0 else {
      throw AnalysisError.regions(problem: "the floor \(floorValue) must be a number of 0 or more")
    }
    var request = units
    request.extensive = [floorField]
    request.intensive = by
    request.categorical = []
    let (loaded, _) = try SourceLoader.load(request, workingCRS: workingCRS)
    let usable = loaded.filter { $0.shape != nil }
    guard !usable.isEmpty else {
      throw AnalysisError.emptySource(path: units.path, layer: units.layer ?? "(first)")
    }
    let floors = usable.map { max(0, $0.extensive[0] ?? 0) }
    let total = floors.reduce(0, +)
    guard total >= floorValue else {
      throw AnalysisError.regions(
        problem:
          "no region can reach \(floorField) = \(floorValue): all \(usable.count) units together hold \(total); lower --min"
      )
    }
    if let regions, method != .maxp, !(1...usable.count).contains(regions) {
      throw AnalysisError.regions(
        problem: "--regions \(regions) must be between 1 and the number of units, \(usable.count)")
    }
    if method != .maxp && regions == nil {
      throw AnalysisError.regions(problem: "--method \(method.rawValue) needs --regions K")
    }
    let graph = try ContiguityGraph(usable.map(\.shape), rule: contiguity)
    let builder = Regionalization(
      neighbours: graph.neighbours, floorValues: floors, floor: floorValue,
      attributes: standardised(usable.map(\.intensive)))
    var generator = SeededGenerator(seed: seed)
    let labels: [Int]
    switch method {
    case .maxp:
      labels = builder.maxP(iterations: iterations, generator: &generator)
    case .skater:
      let (found, made) = builder.skater(regions: regions!)
      guard made == regions! else {
        throw AnalysisError.regions(
          problem:
            "only \(made) regions of \(regions!) keep \(floorField) at \(floorValue) or more; lower --regions or --min"
        )
      }
      labels = found
    case .azp:
      guard
        let found = builder.azp(
          regions: regions!, attempts: max(1, iterations), generator: &generator)
      else {
        throw AnalysisError.regions(
          problem:
            "no random start of \(regions!) regions keeps \(floorField) at \(floorValue) or more in each; lower --regions or --min"
        )
      }
      labels = found
    }
    let count = (labels.max() ?? 0) + 1
    let zonings = (0..<randomZonings).map { _ in
      builder.randomZoning(regions: count, generator: &generator)
    }
    try RegionsOutput(job: self, units: usable, labels: labels, regions: count, zonings: zonings)
      .write()
    let joins = graph.joins.map {
      "unit \(usable[$0.island].id) (an island) joined to unit \(usable[$0.nearest].id), \(Int($0.distance.rounded())) m away"
    }
    return Summary(
      regions: count, units: usable.count, objective: builder.objective(labels),
      floorTotal: total, joins: joins, labels: labels)
  }

  /// Each variable as z-scores (population standard deviation); a missing value
  /// is the mean.
  private func standardised(_ rows: [[Double?]]) -> [[Double]] {
    guard let width = rows.first?.count, width > 0 else { return rows.map { _ in [] } }
    var result = rows.map { _ in [Double](repeating: 0, count: width) }
    for d in 0..<width {
      let values = rows.compactMap { $0[d] }
      guard !values.isEmpty else { continue }
      let mean = values.reduce(0, +) / Double(values.count)
      let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count)
      let deviation = variance > 0 ? variance.squareRoot() : 1
      for (index, row) in rows.enumerated() {
        result[index][d] = row[d].map { ($0 - mean) / deviation } ?? 0
      }
    }
    return result
  }
}
