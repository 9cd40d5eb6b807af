import Foundation

/// The scale report: how the picture of every indicator changes with the scale
/// and with where the lines are drawn (the modifiable areal unit problem).
public struct ScaleReport: Sendable, Encodable {
  /// The range of a statistic over the four placements of a square grid
  /// (aligned, shifted half a cell in x, in y, in both).
  public struct Range: Sendable, Encodable, Equatable {
    /// The smallest value over the placements.
    public var low: Double
    /// The largest value over the placements.
    public var high: Double
  }

  /// One indicator at one scale.
  public struct Entry: Sendable, Encodable {
    /// The scale's name.
    public var scale: String
    /// The indicator's statistics at this scale.
    public var statistics: ScaleStatistics
    /// For square grids: each statistic's range across the four placements.
    public var zoning: [String: Range]?
  }

  /// One indicator across the ladder.
  public struct Indicator: Sendable, Encodable {
    /// The column name (`V014_density`).
    public var name: String
    /// What it measures (`Residents per km²`).
    public var description: String
    /// What it measures in each of the site's languages (the maps' titles).
    public var labels: [String: String] = [:]
    /// One entry per scale, in ladder order.
    public var scales: [Entry] = []
    /// A plain-language paragraph on the scale and zoning effects.
    public var summary = ""
  }

  /// One scale's targets and mass balance.
  public struct Scale: Sendable, Encodable {
    /// The scale's name.
    public var name: String
    /// Its English label.
    public var label: String
    /// Its label in each of the site's languages.
    public var labels: [String: String] = [:]
    /// The number of targets.
    public var targets: Int
    /// How counts were split.
    public var rule: String
    /// One mass balance per count.
    public var balances: [MassBalance]
    /// How the maps draw the scale; set by the job that draws them.
    public var map = MapDrawing.vector
  }

  /// How the maps draw a scale; report.json gives its `name`.
  public enum MapDrawing: Sendable, Equatable, Encodable {
    /// Every polygon a path of the PDF maps.
    case vector
    /// The polygons an image at `dpi` dots per inch in the PDF maps, under
    /// their vector text, boundaries and legend (for many polygons).
    case image(dpi: Int)
    /// Grid cells drawn from their grid as an image, each pixel the value of
    /// the cell under it, at `dpi` in the PDF maps (for many cells).
    case cells(dpi: Int)
    /// Not drawn: more polygons than a map has pixels.
    case leftOut

    /// `vector`, `image`, `cells` or `left out`.
    public var name: String {
      switch self {
      case .vector: "vector"
      case .image: "image"
      case .cells: "cells"
      case .leftOut: "left out"
      }
    }

    /// Encodes the name alone.
    public func encode(to encoder: any Encoder) throws {
      var container = encoder.singleValueContainer()
      try container.encode(name)
    }
  }

  /// The site's name.
  public var site: String
  /// The site's English title (else its first).
  public var title: String
  /// The site's title in each of its languages.
  public var titles: [String: String]
  /// The site's languages, the first the maps' own.
  public var languages: [String]
  /// The working CRS.
  public var crs: String
  /// What the site check found.
  public var check: SiteCheckReport
  /// Unit geometries repaired with make-valid.
  public var repairedUnits: Int
  /// The ladder of scales.
  public var scales: [Scale] = []
  /// The indicators, each across the ladder.
  public var indicators: [Indicator] = []
  /// Catchments and footprint, with their balances.
  public var extras: [Scale] = []
  /// Scales placed among random zonings of the same size (`zoning_effect`).
  public var zoningEffects: [ZoningEffect] = []
  /// Each count of `analyses.change`, across the scales.
  public var changes: [ChangeReport] = []
  private var language: String

  init(manifest: SiteManifest, check: SiteCheckReport, repairedUnits: Int) {
    site = manifest.name
    language = manifest.languages.first ?? "en"
    title = manifest.titles["en"] ?? manifest.titles[language] ?? manifest.name
    titles = manifest.titles
    languages = manifest.languages
    crs = manifest.crs
    self.check = check
    self.repairedUnits = repairedUnits
    if let change = manifest.analyses.change {
      let units = manifest.layers.first { $0.role == .units }
      let before = manifest.layer(change.before)?.date ?? change.before
      changes = change.pairs.map { pair in
        ChangeReport(
          variable: pair.name,
          description: units?.variables.first { $0.name == pair.name }?.label("en") ?? pair.name,
          before: before, after: units?.date)
      }
    }
  }

  private enum CodingKeys: String, CodingKey {
    case site, title, titles, languages, crs, check, repairedUnits, scales, indicators, extras,
      zoningEffects,
      changes
  }

  /// Adds `scale`, analysed into `table`; `shifted` holds, per other placement
  /// of a square grid, the statistics of each indicator (in `table`'s order).
  mutating func add(scale: ScaleSpec, table: ScaleTable, shifted: [[ScaleStatistics]]) {
    scales.append(
      Scale(
        name: scale.name, label: scale.labels["en"] ?? scale.name, labels: scale.labels,
        targets: table.rows.count, rule: table.rule.rawValue, balances: table.balances))
    for (position, indicator) in table.indicators.enumerated() {
      if indicators.count <= position {
        indicators.append(
          Indicator(
            name: indicator.name, description: indicator.description, labels: indicator.labels))
      }
      let statistics = ScaleStatistics(values: indicator.values, neighbours: table.neighbours)
      var zoning: [String: Range]?
      if !shifted.isEmpty {
        let all = [statistics] + shifted.map { $0[position] }
        var ranges: [String: Range] = [:]
        let measures: [(String, (ScaleStatistics) -> Double?)] = [
          ("mean", { $0.mean }), ("cv", { $0.cv }), ("gini", { $0.gini }),
          ("top10Share", { $0.top10Share }),
          ("moransI", { $0.moransI }),
        ]
        for (name, value) in measures {
          let values = all.compactMap(value)
          if let low = values.min(), let high = values.max() {
            ranges[name] = Range(low: low, high: high)
          }
        }
        zoning = ranges
      }
      indicators[position].scales.append(
        Entry(scale: scale.name, statistics: statistics, zoning: zoning))
    }
    for index in indicators.indices { indicators[index].summary = Self.summary(indicators[index]) }
    for index in changes.indices { changes[index].add(scale: scale.name, table: table) }
  }

  mutating func addExtra(name: String, table: ScaleTable) {
    extras.append(
      Scale(
        name: name, label: name, targets: table.rows.count, rule: table.rule.rawValue,
        balances: table.balances))
  }

  /// A plain-language paragraph: how much the picture depends on scale and zoning.
  static func summary(_ indicator: Indicator) -> String {
    // Scales of fewer than three units (the whole municipality) say nothing about spread.
    let withGini = indicator.scales.filter { $0.statistics.count >= 3 }.compactMap { entry in
      entry.statistics.gini.map { (entry.scale, $0) }
    }
    guard let low = withGini.min(by: { $0.1 < $1.1 }), let high = withGini.max(by: { $0.1 < $1.1 })
    else {
      return "\(indicator.description): not enough data to compare scales."
    }
    let subject = indicator.description.prefix(1).lowercased() + indicator.description.dropFirst()
    var text =
      "The Gini coefficient of \(subject) goes from \(f(low.1)) on \(low.0) to \(f(high.1)) on \(high.0)"
    let spread = high.1 - low.1
    text +=
      spread > 0.1
      ? ": how unequal the territory looks depends strongly on the scale chosen."
      : ": the picture holds across scales."
    let zoning = indicator.scales.compactMap { entry in
      entry.zoning?["gini"].map { (entry.scale, $0) }
    }
    if let widest = zoning.max(by: { ($0.1.high - $0.1.low) < ($1.1.high - $1.1.low) }) {
      text +=
        " Moving the \(widest.0) grid by half a cell changes it from \(f(widest.1.low)) to \(f(widest.1.high))"
      text +=
        widest.1.high - widest.1.low > 0.02
        ? ", so where the lines fall matters too." : ", so where the lines fall matters little."
    }
    let morans = indicator.scales.compactMap { entry in
      entry.statistics.moransI.map { (entry.scale, $0) }
    }
    if let strongest = morans.max(by: { $0.1 < $1.1 }), strongest.1 > 0.3 {
      text += " Values cluster in space (Moran's I up to \(f(strongest.1)) on \(strongest.0))."
    }
    return text
  }

  static func f(_ value: Double) -> String { String(format: "%.2f", value) }

  /// The report as Markdown.
  public func markdown() -> String {
    var lines = ["# \(title)", "", "Site `\(site)`, working CRS \(crs).", ""]
    lines += [
      "## Layers", "", "| layer | role | found | features | CRS | invalid geometries |",
      "|---|---|---|---|---|---|",
    ]
    for layer in check.layers {
      lines.append(
        "| \(layer.key) | \(layer.role) | \(layer.found ? "yes" : "no") | \(layer.features.map(String.init) ?? "") | \(layer.crs ?? "") | \(layer.invalidGeometries.map(String.init) ?? "") |"
      )
    }
    if !check.problems.isEmpty {
      lines += ["", "Needs attention:", ""]
      lines += check.problems.map {
        "- \($0.severity): \($0.layer.isEmpty ? "" : "\($0.layer): ")\($0.message)"
      }
    }
    if repairedUnits > 0 {
      lines += ["", "\(repairedUnits) unit geometries were repaired (make-valid)."]
    }
    lines += [
      "", "## Totals at every scale", "",
      "| scale | targets | variable | in | out | outside every target | kept |",
      "|---|---|---|---|---|---|---|",
    ]
    for scale in scales + extras {
      for balance in scale.balances {
        let kept =
          balance.isBalanced
          ? "yes"
          : scale.rule == ExtensiveRule.sourceAreaShare.rawValue ? "overlapping targets" : "no"
        lines.append(
          "| \(scale.name) | \(scale.targets) | \(balance.variable) | \(String(format: "%.3f", balance.totalIn)) | \(String(format: "%.3f", balance.totalOut)) | \(String(format: "%.3f", balance.outside)) | \(kept) |"
        )
      }
    }
    lines += mapsMarkdown()
    lines += ["", "## Scale report", ""]
    lines.append(
      "For every indicator and scale: units with data, mean, standard deviation, coefficient of variation (CV), Gini coefficient, share of the total held by the top 10% of units, Moran's I (queen contiguity, row-standardised). For square grids, the range of the Gini across four placements of the grid (aligned, and shifted by half a cell in x, in y and in both) measures the zoning effect."
    )
    for indicator in indicators {
      lines += ["", "### \(indicator.description)", "", indicator.summary, ""]
      lines += [
        "| scale | units | mean | std | CV | Gini | top 10% | Moran's I | Gini over 4 placements |",
        "|---|---|---|---|---|---|---|---|---|",
      ]
      for entry in indicator.scales {
        let s = entry.statistics
        let zoning = entry.zoning?["gini"].map { "\(Self.f($0.low)) to \(Self.f($0.high))" } ?? ""
        lines.append(
          "| \(entry.scale) | \(s.count) | \(n(s.mean)) | \(n(s.std)) | \(n(s.cv)) | \(n(s.gini)) | \(n(s.top10Share)) | \(n(s.moransI)) | \(zoning) |"
        )
      }
    }
    if let first = changes.first {
      lines += [
        "", "## Change between \(first.before) and \(first.after ?? "now")", "",
        "For every count and scale, counts become densities (per km² of area the units cover) at both dates. The spread of change is the standard deviation of the change of density; \"gaining\" is the share of targets whose count rose; the Gini coefficient is taken of the density at each date (a change may be negative and has none of its own), and their difference tells whether the territory became more unequal.",
      ]
      for change in changes { lines += change.markdown() }
    }
    for effect in zoningEffects {
      lines += [
        "", "## Zoning effect: \(effect.scale) against \(effect.zonings) random zonings", "",
        "Each random zoning groups the \(effect.units) units into \(effect.zones) contiguous zones (queen contiguity, seed 0). The percentile is the share of random zonings whose value is at or below this zoning's.",
        "",
        "| indicator | Gini | random Gini (5% – median – 95%) | percentile | Moran's I | random Moran's I (5% – median – 95%) | percentile |",
        "|---|---|---|---|---|---|---|",
      ]
      for entry in effect.entries {
        func spread(_ d: ZoningEffect.Distribution?) -> String {
          d.map { "\(Self.f($0.p5)) – \(Self.f($0.median)) – \(Self.f($0.p95))" } ?? ""
        }
        func share(_ value: Double?) -> String { value.map { String(format: "%.0f", $0) } ?? "" }
        lines.append(
          "| \(entry.description) | \(n(entry.gini)) | \(spread(entry.randomGini)) | \(share(entry.giniPercentile)) | \(n(entry.moransI)) | \(spread(entry.randomMoransI)) | \(share(entry.moransIPercentile)) |"
        )
      }
      lines += [""] + effect.entries.map { effect.sentence($0) }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// The scales the maps draw as images (from their polygons or their grid)
  /// or leave out, when there are any.
  private func mapsMarkdown() -> [String] {
    let drawn = scales.filter { $0.map != .vector }
    guard !drawn.isEmpty else { return [] }
    return ["", "## Maps", ""]
      + drawn.map { scale in
        let count = SiteCheck.count(Double(scale.targets))
        switch scale.map {
        case .vector: return ""
        case .image(let dpi):
          return
            "- \(scale.name) (\(count) targets) is drawn as an image at print resolution (\(dpi) dpi) in the PDF maps, under their vector text, boundaries and legend."
        case .cells(let dpi):
          return
            "- \(scale.name) (\(count) targets) is drawn from its grid as an image at print resolution (\(dpi) dpi) in the PDF maps: each dot takes the value of the cell under it, and cells smaller than a dot show the one under its centre."
        case .leftOut:
          return
            "- \(scale.name) (\(count) targets) is left out of the maps for size: its polygons outnumber the pixels of a map, so each would be smaller than a dot. Its values are in `analysis.gpkg` and `\(scale.name).geojson`."
        }
      }
  }

  private func n(_ value: Double?) -> String {
    guard let value else { return "" }
    return abs(value) >= 1000 ? String(format: "%.0f", value) : String(format: "%.3f", value)
  }

  /// The report as JSON (sorted keys).
  public func json() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(self)
  }
}
