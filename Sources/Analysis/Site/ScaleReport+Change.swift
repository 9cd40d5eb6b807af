import Foundation

/// How the change of one count between two dates looks at each scale: its
/// spread, whether the territory became more or less unequal, and whether
/// the answer depends on the scale.
///
/// Counts are turned into densities (per km² of area the units cover) before
/// any statistic, so that a 100 m square and a neighbourhood compare. A change
/// may be negative, so it has no Gini coefficient of its own: the report gives
/// the Gini of the density at each date and their difference (the change of
/// inequality), with the spread of the change itself (standard deviation) and
/// its clustering (Moran's I).
public struct ChangeReport: Sendable, Encodable, Equatable {
  /// One scale.
  public struct Entry: Sendable, Encodable, Equatable {
    /// The scale's name.
    public var scale: String
    /// Targets with a value at both dates.
    public var units: Int
    /// Mean change of the density (per km²).
    public var meanChange: Double?
    /// Standard deviation of the change of the density (per km²).
    public var stdChange: Double?
    /// Share (0 to 1) of targets whose count rose.
    public var gaining: Double?
    /// Gini coefficient of the density at the earlier date.
    public var giniBefore: Double?
    /// Gini coefficient of the density at the later date.
    public var giniAfter: Double?
    /// `giniAfter − giniBefore`: above 0, the territory became more unequal.
    public var giniChange: Double?
    /// Moran's I of the change of the density (queen contiguity).
    public var moransI: Double?
  }

  /// The count (`V014`).
  public var variable: String
  /// What it counts, for the report.
  public var description: String
  /// The earlier date.
  public var before: String
  /// The later date (the units layer's `date:`, when it has one).
  public var after: String?
  /// One entry per scale, in the ladder's order.
  public var scales: [Entry] = []
  /// A plain-language paragraph on how the picture of change depends on scale.
  public var summary = ""

  /// Adds `table`'s entry: the count's earlier values and change from its
  /// `_before` and `_change` indicators, densities from its covered areas.
  mutating func add(scale: String, table: ScaleTable) {
    guard let before = table.indicators.first(where: { $0.name == variable + "_before" }),
      let change = table.indicators.first(where: { $0.name == variable + "_change" }),
      table.coveredAreas.count == before.values.count
    else { return }
    var densityBefore: [Double?] = []
    var densityAfter: [Double?] = []
    var densityChange: [Double?] = []
    var gaining = 0
    for (index, area) in table.coveredAreas.enumerated() {
      guard area > 0, let earlier = before.values[index], let difference = change.values[index]
      else {
        densityBefore.append(nil)
        densityAfter.append(nil)
        densityChange.append(nil)
        continue
      }
      let km2 = area / 1e6
      densityBefore.append(earlier / km2)
      densityAfter.append((earlier + difference) / km2)
      densityChange.append(difference / km2)
      if difference > 0 { gaining += 1 }
    }
    let changeStatistics = ScaleStatistics(values: densityChange, neighbours: table.neighbours)
    let giniBefore = ScaleStatistics.gini(densityBefore.compactMap { $0 })
    let giniAfter = ScaleStatistics.gini(densityAfter.compactMap { $0 })
    let units = changeStatistics.count
    scales.append(
      Entry(
        scale: scale, units: units, meanChange: changeStatistics.mean,
        stdChange: changeStatistics.std,
        gaining: units > 0 ? Double(gaining) / Double(units) : nil, giniBefore: giniBefore,
        giniAfter: giniAfter,
        giniChange: giniBefore.flatMap { before in giniAfter.map { $0 - before } },
        moransI: changeStatistics.moransI))
    summary = Self.summary(self)
  }

  /// How the spread and the change of inequality vary across the scales with
  /// at least three targets (a whole municipality says nothing about spread).
  static func summary(_ report: ChangeReport) -> String {
    let scales = report.scales.filter { $0.units >= 3 }
    let period = "between \(report.before) and \(report.after ?? "now")"
    guard let first = scales.first else {
      return "\(report.description): not enough data to compare scales \(period)."
    }
    let f = { (value: Double) in String(format: "%.3f", value) }
    let g = { (value: Double) in String(format: "%.2f", value) }
    var text = "\(report.description) changed \(period)"
    if let mean = first.meanChange {
      text += " by \(g(mean)) per km² on average over \(first.scale)"
    }
    let spreads = scales.compactMap { entry in entry.stdChange.map { (entry.scale, $0) } }
    if let low = spreads.min(by: { $0.1 < $1.1 }), let high = spreads.max(by: { $0.1 < $1.1 }),
      low.0 != high.0
    {
      text +=
        "; the spread of change (standard deviation per km²) goes from \(g(low.1)) on \(low.0) to \(g(high.1)) on \(high.0)"
    }
    text += "."
    let ginis = scales.compactMap { entry in
      entry.giniChange.map { (entry.scale, $0, entry.giniBefore!, entry.giniAfter!) }
    }
    guard !ginis.isEmpty else { return text }
    let rising = ginis.filter { $0.1 > 0.005 }
    let falling = ginis.filter { $0.1 < -0.005 }
    func list(_ entries: [(String, Double, Double, Double)]) -> String {
      entries.map { "\($0.0) (\(f($0.2)) to \(f($0.3)))" }.joined(separator: ", ")
    }
    if !rising.isEmpty && !falling.isEmpty {
      text +=
        " Whether inequality grew depends on the scale: the Gini coefficient of the density rose on \(list(rising)) but fell on \(list(falling))."
    } else if !rising.isEmpty {
      text +=
        " Inequality grew: the Gini coefficient of the density rose on \(list(rising))"
      text += rising.count == ginis.count ? ", at every scale." : ", and barely moved elsewhere."
    } else if !falling.isEmpty {
      text +=
        " Inequality eased: the Gini coefficient of the density fell on \(list(falling))"
      text += falling.count == ginis.count ? ", at every scale." : ", and barely moved elsewhere."
    } else {
      text += " The Gini coefficient of the density barely moved (by less than 0.005) at any scale."
    }
    return text
  }

  /// The report's section, in Markdown.
  func markdown() -> [String] {
    // A difference that rounds to zero prints without its sign.
    func n(_ value: Double?, _ format: String = "%.3f") -> String {
      value.map { value in
        let text = String(format: format, value)
        return text == "-0.000" || text == "+0.000" ? "0.000" : text
      } ?? ""
    }
    var lines = [
      "", "### \(description)", "", summary, "",
      "| scale | units | mean change per km² | std of change per km² | gaining | Gini \(before) | Gini \(after ?? "now") | Gini change | Moran's I of change |",
      "|---|---|---|---|---|---|---|---|---|",
    ]
    for entry in scales {
      lines.append(
        "| \(entry.scale) | \(entry.units) | \(n(entry.meanChange, "%.2f")) | \(n(entry.stdChange, "%.2f")) | \(n(entry.gaining.map { 100 * $0 }, "%.0f%%")) | \(n(entry.giniBefore)) | \(n(entry.giniAfter)) | \(n(entry.giniChange, "%+.3f")) | \(n(entry.moransI)) |"
      )
    }
    return lines
  }
}
