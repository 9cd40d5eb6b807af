import Foundation

/// `site.json`, what the web map's page reads: the site's titles, its scales
/// and indicators in every language of the site, the classes, colours and
/// legend labels of the print maps, and the scale report's figures.
struct WebSiteDescription: Encodable {
  /// One scale of the ladder.
  struct Scale: Encodable {
    var name: String
    var label: [String: String]
    var units: Int
  }

  /// One indicator, classed as its maps are.
  struct Indicator: Encodable {
    var name: String
    var label: [String: String]
    /// Each class's upper bound: a value belongs to the first class whose bound
    /// it does not exceed.
    var breaks: [Double]
    var colours: [String]
    /// The legend labels, per language.
    var legend: [String: [String]]
    /// Decimals of a value shown on hover.
    var decimals: Int
    /// Per scale: Gini, share of the top 10% and Moran's I (`nil`: not defined).
    var statistics: [String: [String: Double?]]
    /// Whether some unit has no value (the legend then shows the no-data grey).
    var hasNoData: Bool
  }

  /// The shaded relief's tiles.
  struct Relief: Encodable {
    var maxZoom: Int
  }

  var title: [String: String]
  var languages: [String]
  var bounds: [Double]
  var minZoom: Int
  var maxZoom: Int
  var hillshade: Relief?
  /// Every tile written (`tiles/z/x/y.pbf`, `hillshade/z/x/y.png`): the page
  /// answers any other as empty rather than ask the host for it.
  var tileIndex: [String]
  var scales: [Scale]
  var indicators: [Indicator]
  /// How each language writes numbers: thousands and decimal separators.
  var numbers: [String: [String: String]]
  var noData: [String: String]
  var sources: String

  /// The description of an analysis; the figures are read from its `report.json`.
  static func make(
    _ content: WebMapContent, zooms: (Int, Int), hillshade: Relief?, tileIndex: [String]
  ) throws -> WebSiteDescription {
    let languages = content.languages.compactMap(MapLanguage.init(rawValue:))
    let figures = try statistics(content.folder.appendingPathComponent("report.json"))
    var indicators: [Indicator] = []
    for indicator in content.indicators {
      let values = indicator.values
      guard !values.isEmpty else { continue }
      let palette = Palette.forIndicator(named: indicator.name)
      let (breaks, colours) = try SiteMaps.classes(of: values, palette: palette)
      var legend: [String: [String]] = [:]
      for language in languages {
        legend[language.rawValue] = SiteMaps.legendLabels(
          values: values, breaks: breaks, language: language)
      }
      indicators.append(
        Indicator(
          name: indicator.name, label: indicator.labels, breaks: breaks,
          colours: colours.map(\.hex), legend: legend,
          decimals: NumberStyle.decimals(for: breaks, precision: NumberStyle.precision(of: values)),
          statistics: figures[indicator.name] ?? [:],
          hasNoData: indicator.hasNoData))
    }
    let scales = content.scales.map { Scale(name: $0.name, label: $0.labels, units: $0.units) }
    var numbers: [String: [String: String]] = [:]
    var noData: [String: String] = [:]
    for language in languages {
      let sample = language.numbers.format(1_234.5, decimals: 1)
      numbers[language.rawValue] = [
        "group": String(sample.dropFirst().prefix(1)),
        "decimal": String(sample.dropLast().suffix(1)),
      ]
      noData[language.rawValue] = language.noData
    }
    return WebSiteDescription(
      title: content.titles, languages: languages.map(\.rawValue), bounds: content.bounds,
      minZoom: zooms.0, maxZoom: zooms.1, hillshade: hillshade, tileIndex: tileIndex,
      scales: scales,
      indicators: indicators, numbers: numbers, noData: noData,
      sources: content.sources)
  }

  /// Per indicator and scale, the report's Gini, top-10% share and Moran's I.
  private static func statistics(_ report: URL) throws -> [String: [String: [String: Double?]]] {
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any]
    var figures: [String: [String: [String: Double?]]] = [:]
    for indicator in json?["indicators"] as? [[String: Any]] ?? [] {
      guard let name = indicator["name"] as? String else { continue }
      for scale in indicator["scales"] as? [[String: Any]] ?? [] {
        guard let scaleName = scale["scale"] as? String,
          let statistics = scale["statistics"] as? [String: Any]
        else { continue }
        figures[name, default: [:]][scaleName] = [
          "gini": statistics["gini"] as? Double, "top10Share": statistics["top10Share"] as? Double,
          "moransI": statistics["moransI"] as? Double,
        ]
      }
    }
    return figures
  }

  /// Writes the description as JSON, keys sorted (the same analysis, the same bytes).
  func write(to url: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    try encoder.encode(self).write(to: url)
  }
}
