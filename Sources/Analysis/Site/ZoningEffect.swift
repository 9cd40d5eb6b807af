import Foundation
import GEOSKit
import GeoCore

/// Where one zoning of a site falls among random contiguous zonings of the
/// same units into as many zones (the zoning effect): for each indicator, the
/// zoning's Gini coefficient and Moran's I against their distributions over the
/// random zonings, and its percentiles among them.
public struct ZoningEffect: Sendable, Codable, Equatable {
  /// A distribution over the random zonings.
  public struct Distribution: Sendable, Codable, Equatable {
    /// The zonings with a value.
    public var count: Int
    /// The smallest value.
    public var min: Double
    /// The 5th percentile.
    public var p5: Double
    /// The median.
    public var median: Double
    /// The 95th percentile.
    public var p95: Double
    /// The largest value.
    public var max: Double
    /// Every value, in the zonings' order (for a histogram).
    public var values: [Double]

    init?(_ values: [Double]) {
      guard !values.isEmpty else { return nil }
      let sorted = values.sorted()
      func quantile(_ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let low = Int(position.rounded(.down))
        let high = Swift.min(low + 1, sorted.count - 1)
        return sorted[low] + (position - Double(low)) * (sorted[high] - sorted[low])
      }
      count = values.count
      min = sorted[0]
      max = sorted[sorted.count - 1]
      p5 = quantile(0.05)
      median = quantile(0.5)
      p95 = quantile(0.95)
      self.values = values
    }

    /// The share (0 to 100) of values at or below `value`.
    func percentile(of value: Double) -> Double {
      100 * Double(values.filter { $0 <= value }.count) / Double(values.count)
    }
  }

  /// One indicator.
  public struct Entry: Sendable, Codable, Equatable {
    /// The indicator's column (`V014_density`).
    public var indicator: String
    /// What it measures.
    public var description: String
    /// The zoning's own Gini coefficient.
    public var gini: Double?
    /// The Gini over the random zonings.
    public var randomGini: Distribution?
    /// The share of random zonings whose Gini is at or below the zoning's.
    public var giniPercentile: Double?
    /// The zoning's own Moran's I.
    public var moransI: Double?
    /// Moran's I over the random zonings.
    public var randomMoransI: Distribution?
    /// The share of random zonings whose Moran's I is at or below the zoning's.
    public var moransIPercentile: Double?
    /// Whether the indicator is a count per zone (not a density, mean or rate):
    /// its spread then follows the zones' sizes as much as the territory.
    public var isCount = false
  }

  /// The scale.
  public var scale: String
  /// Its zones.
  public var zones: Int
  /// The units the random zonings group.
  public var units: Int
  /// The random zonings drawn.
  public var zonings: Int
  /// One entry per indicator.
  public var entries: [Entry]

  /// A plain sentence on one entry: on its Gini coefficient, or on its Moran's I
  /// where the values have no Gini (changes, which may be negative).
  public func sentence(_ entry: Entry) -> String {
    let caveat =
      entry.isCount
      ? " This is a count per zone, not per km²: it follows the sizes of the zones as much as the territory."
      : ""
    return measureSentence(entry) + caveat
  }

  private func measureSentence(_ entry: Entry) -> String {
    let f = { (value: Double) in String(format: "%.3f", value) }
    guard let gini = entry.gini, let random = entry.randomGini,
      let percentile = entry.giniPercentile
    else {
      guard let moran = entry.moransI, let random = entry.randomMoransI,
        let percentile = entry.moransIPercentile
      else {
        return "\(entry.description): no Gini coefficient or Moran's I at this scale."
      }
      let verdict =
        percentile >= 95
        ? "more clustered than on almost every zoning of the same size"
        : percentile <= 5
          ? "less clustered than on almost every zoning of the same size"
          : "within the range of zonings of the same size"
      return
        "At scale \(scale) (\(zones) zones), Moran's I of \(entry.description) is \(f(moran)); over \(zonings) random contiguous zonings of the \(units) units into \(zones) zones it runs from \(f(random.min)) to \(f(random.max)) (median \(f(random.median))). The zoning is at the \(Int(percentile.rounded()))th percentile: \(verdict)."
    }
    let verdict =
      percentile >= 95
      ? "more unequal than almost every zoning of the same size: this zoning brings out inequality"
      : percentile <= 5
        ? "more even than almost every zoning of the same size: this zoning hides inequality"
        : "within the range of zonings of the same size"
    return
      "At scale \(scale) (\(zones) zones), the Gini coefficient of \(entry.description) is \(f(gini)); over \(zonings) random contiguous zonings of the \(units) units into \(zones) zones it runs from \(f(random.min)) to \(f(random.max)) (median \(f(random.median))). The zoning is at the \(Int(percentile.rounded()))th percentile: \(verdict)."
  }
}

/// What every scale's zoning effect shares: the units' contiguity and the sums
/// behind each indicator, built once per analysis.
struct ZoningBasis: Sendable {
  /// Queen contiguity of the units, islands joined to their nearest unit.
  var graph: ContiguityGraph
  /// The sums over the units behind each indicator.
  var components: ZoningComponents
}

extension LoadedSite {
  /// The units' contiguity and the indicators' sums, for `zoningEffect`.
  func zoningBasis() throws -> ZoningBasis {
    ZoningBasis(
      graph: try ContiguityGraph(units.map(\.shape), rule: .queen),
      components: try zoningComponents())
  }

  /// The zoning effect of `scale` (whose table is `table`): `scale.randomZonings`
  /// random contiguous zonings of the units (queen contiguity, islands joined to
  /// their nearest unit; seed 0, so the same every run) into as many zones as
  /// the scale has, and every indicator of the table on them (densities,
  /// intensive variables, raster means, point counts, change).
  func zoningEffect(scale: ScaleSpec, table: ScaleTable, basis: ZoningBasis) -> ZoningEffect? {
    guard scale.randomZonings > 0, table.rows.count >= 2 else { return nil }
    let graph = basis.graph
    let zones = min(table.rows.count, units.count)
    let regionalization = Regionalization(
      neighbours: graph.neighbours, floorValues: [Double](repeating: 0, count: units.count),
      floor: 0, attributes: units.map { _ in [] })
    var generator = SeededGenerator(seed: 0)
    let zonings = (0..<scale.randomZonings).map { _ in
      regionalization.randomZoning(regions: zones, generator: &generator)
    }
    // Per zoning: the zones' contiguity and every indicator's values on them.
    let drawn = zonings.map { labels in
      var adjacent = [Set<Int>](repeating: [], count: zones)
      for (unit, others) in graph.neighbours.enumerated() where labels[unit] >= 0 {
        for other in others where labels[other] >= 0 && labels[other] != labels[unit] {
          adjacent[labels[unit]].insert(labels[other])
        }
      }
      return (
        neighbours: adjacent.map { $0.sorted() },
        values: basis.components.values(labels: labels, zones: zones)
      )
    }
    var entries: [ZoningEffect.Entry] = []
    for own in table.indicators {
      guard drawn.first?.values[own.name] != nil else { continue }
      let reference = ScaleStatistics(values: own.values, neighbours: table.neighbours)
      var ginis: [Double] = []
      var morans: [Double] = []
      for zoning in drawn {
        let statistics = ScaleStatistics(
          values: zoning.values[own.name] ?? [], neighbours: zoning.neighbours)
        if let gini = statistics.gini { ginis.append(gini) }
        if let moran = statistics.moransI { morans.append(moran) }
      }
      let randomGini = ZoningEffect.Distribution(ginis)
      let randomMoran = ZoningEffect.Distribution(morans)
      entries.append(
        ZoningEffect.Entry(
          indicator: own.name, description: own.description, gini: reference.gini,
          randomGini: randomGini,
          giniPercentile: reference.gini.flatMap { gini in randomGini?.percentile(of: gini) },
          moransI: reference.moransI, randomMoransI: randomMoran,
          moransIPercentile: reference.moransI.flatMap { moran in randomMoran?.percentile(of: moran)
          }, isCount: basis.components.isCount(own.name)
        ))
    }
    return ZoningEffect(
      scale: scale.name, zones: zones, units: units.count, zonings: scale.randomZonings,
      entries: entries)
  }
}
