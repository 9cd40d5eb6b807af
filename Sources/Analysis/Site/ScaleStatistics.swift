import Foundation

/// The statistics of one indicator at one scale, as the scale report shows them.
public struct ScaleStatistics: Sendable, Codable, Equatable {
  /// Units (cells, zones) with a value.
  public var count: Int
  /// The mean (`nil` without data).
  public var mean: Double?
  /// Population standard deviation.
  public var std: Double?
  /// Coefficient of variation, std / mean (`nil` when the mean is 0).
  public var cv: Double?
  /// Gini coefficient of the values (0 equal, toward 1 concentrated).
  public var gini: Double?
  /// Share of the total held by the top 10% of units (at least one unit).
  public var top10Share: Double?
  /// Moran's I with queen contiguity, row-standardised weights; `nil` without neighbours.
  public var moransI: Double?

  /// Computes the statistics of `values` (`nil` = no data) whose neighbours (queen
  /// contiguity, by index into `values`) are `neighbours`.
  public init(values: [Double?], neighbours: [[Int]]) {
    self.init(values: values, neighbours: NeighbourGraph(lists: neighbours))
  }

  /// Computes the statistics of `values` (`nil` = no data) whose neighbours (queen
  /// contiguity, by index into `values`) are those of `neighbours`.
  public init(values: [Double?], neighbours: NeighbourGraph) {
    let present = values.compactMap { $0 }
    count = present.count
    guard !present.isEmpty else { return }
    let n = Double(present.count)
    let m = present.reduce(0, +) / n
    let s = (present.reduce(0) { $0 + ($1 - m) * ($1 - m) } / n).squareRoot()
    mean = m
    std = s
    cv = m != 0 ? s / m : nil
    gini = Self.gini(present)
    let total = present.reduce(0, +)
    if total > 0 {
      let top = present.sorted(by: >).prefix(max(1, Int((n * 0.1).rounded(.up))))
      top10Share = top.reduce(0, +) / total
    }
    moransI = Self.moransI(values, neighbours)
  }

  /// G = Σ_i Σ_j |x_i − x_j| / (2 n² x̄), computed in O(n log n) on sorted values;
  /// `nil` for negative values or a zero total.
  static func gini(_ values: [Double]) -> Double? {
    guard values.allSatisfy({ $0 >= 0 }) else { return nil }
    let sorted = values.sorted()
    let n = Double(sorted.count)
    let total = sorted.reduce(0, +)
    guard total > 0 else { return nil }
    // Σ_i Σ_j |x_i − x_j| = 2 Σ_i (2i − n − 1) x_(i), i from 1.
    var weighted = 0.0
    for (index, value) in sorted.enumerated() {
      weighted += (2 * Double(index + 1) - n - 1) * value
    }
    return weighted / (n * total)
  }

  /// I = (n / S0) · Σ_i Σ_j w_ij z_i z_j / Σ_i z_i², with z the deviations from the
  /// mean and w row-standardised over each unit's neighbours with data (units
  /// without such neighbours keep a zero row, as PySAL does with islands).
  static func moransI(_ values: [Double?], _ neighbours: NeighbourGraph) -> Double? {
    let present = values.indices.filter { values[$0] != nil }
    guard present.count > 2 else { return nil }
    let mean = present.reduce(0) { $0 + values[$1]! } / Double(present.count)
    var numerator = 0.0
    var denominator = 0.0
    var weightSum = 0.0
    for index in present {
      let z = values[index]! - mean
      denominator += z * z
      var around = 0
      neighbours.forEachNeighbour(of: index) { other in
        if values[other] != nil && other != index { around += 1 }
      }
      guard around > 0 else { continue }
      let weight = 1 / Double(around)
      neighbours.forEachNeighbour(of: index) { other in
        guard let value = values[other], other != index else { return }
        numerator += weight * z * (value - mean)
      }
      weightSum += 1
    }
    guard denominator > 0, weightSum > 0 else { return nil }
    return Double(present.count) / weightSum * numerator / denominator
  }
}

extension LoadedSite {
  /// The statistics of each indicator of a square grid placed with its lines
  /// moved by `shift`, in the order of `table(for:)`'s indicators: the table
  /// is made without what only its outputs need (the cells' identifiers and
  /// the shares of categories), and let go.
  public func placementStatistics(for scale: ScaleSpec, shift: SIMD2<Double>) throws
    -> [ScaleStatistics]
  {
    let table = try table(for: scale, shift: shift, identifiedAndCategorised: false)
    return table.indicators.map {
      ScaleStatistics(values: $0.values, neighbours: table.neighbours)
    }
  }
}
