import GEOSKit
import GeoCore

/// Every indicator of a site written as a function of sums over the units, so
/// that it can be computed for any grouping of the units into zones without
/// building the zones' polygons: a random zoning then costs one pass over the
/// units instead of a union and an interpolation.
///
/// The sums are exact for zones that are unions of whole units: the overlap of
/// a source with a union of disjoint units is the sum of its overlaps with each
/// (areal interpolation), and a pixel's covered fraction of a union is the sum
/// of its fractions (exact coverage). So a zoning built from the units gets the
/// same values as the scale table would give on its dissolved polygons; the
/// tests compare both on the neighbourhoods of the sample site.
struct ZoningComponents: Sendable {
  /// One indicator: the sums it needs, per unit, and how they make its value.
  struct Recipe: Sendable {
    /// The indicator's column (`V014_density`).
    var indicator: String
    /// The terms to sum, one array per term, one value per unit.
    var terms: [[Double]]
    /// The zone's value from its sums of the terms (`nil`: no data).
    var value: @Sendable ([Double]) -> Double?
    /// Whether the value is a count per zone (not a density, mean or rate), so
    /// that it follows the zones' sizes as much as the territory.
    var isCount = false
  }

  /// Whether `indicator` is a count per zone.
  func isCount(_ indicator: String) -> Bool {
    recipes.first { $0.indicator == indicator }?.isCount ?? false
  }

  /// The recipes, in the scale table's order of indicators.
  var recipes: [Recipe]

  /// Each indicator's values on the zones of `labels` (one zone number per
  /// unit, `-1` for none; zones numbered from 0 to `zones` − 1).
  func values(labels: [Int], zones: Int) -> [String: [Double?]] {
    var result: [String: [Double?]] = [:]
    for recipe in recipes {
      var sums = [[Double]](
        repeating: [Double](repeating: 0, count: recipe.terms.count), count: zones)
      for (unit, zone) in labels.enumerated() where zone >= 0 {
        for (term, values) in recipe.terms.enumerated() { sums[zone][term] += values[unit] }
      }
      result[recipe.indicator] = sums.map(recipe.value)
    }
    return result
  }
}

extension LoadedSite {
  /// The sums over the units behind each indicator that the site computes:
  /// densities of counts, intensive variables (area-weighted), raster means,
  /// point counts, and the earlier date with its change.
  func zoningComponents() throws -> ZoningComponents {
    let areas = try units.map { unit in
      try unit.shape.map { try Geometry.polygonal($0).area } ?? 0
    }
    var recipes: [ZoningComponents.Recipe] = []
    if manifest.analyses.densities {
      for (variable, name) in extensive.enumerated() {
        recipes.append(
          .init(
            indicator: name + "_density",
            terms: [units.map { $0.extensive[variable] ?? 0 }, areas],
            value: { $0[1] > 0 ? $0[0] / ($0[1] / 1e6) : nil }))
      }
    }
    for (variable, name) in intensive.enumerated() {
      let weights = zip(units, areas).map { $0.intensive[variable] == nil ? 0 : $1 }
      let weighted = zip(units, weights).map { ($0.intensive[variable] ?? 0) * $1 }
      recipes.append(
        .init(
          indicator: name, terms: [weighted, weights], value: { $0[1] > 0 ? $0[0] / $0[1] : nil }))
    }
    if let change = manifest.analyses.change, let earlierUnits {
      recipes += try changeRecipes(change, earlier: earlierUnits)
    }
    let shapes = units.map(\.shape)
    for raster in rasters {
      for (variable, statistics) in try zonalStatistics(
        raster, geometries: .polygons(shapes), keeping: { $0 })
      {
        recipes.append(
          .init(
            indicator: variable.name + "_mean",
            terms: [statistics.map(\.sum), statistics.map(\.count)],
            value: { $0[1] > 0 ? $0[0] / $0[1] : nil }))
      }
    }
    for layer in points {
      let counts = try pointCounts(layer.locations, in: shapes).map { $0 ?? 0 }
      recipes.append(
        .init(
          indicator: layer.spec.key + "_count", terms: [counts], value: { $0[0] }, isCount: true))
    }
    return ZoningComponents(recipes: recipes)
  }

  /// The earlier date interpolated onto the units, and the three change
  /// indicators (`_before`, `_change`, `_change_pct`) from it and the counts.
  private func changeRecipes(_ change: ChangeSpec, earlier: [SourceUnit]) throws
    -> [ZoningComponents.Recipe]
  {
    let before = try ArealInterpolation.interpolate(
      earlier, onto: .polygons(units.map(\.shape)), extensiveNames: change.pairs.map(\.before),
      intensiveNames: [], categoricalNames: [], threads: threads)
    let byKey = Dictionary(before.targets.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
    let reached = units.indices.map { index in
      byKey[TargetKey(column: 0, row: index)].map { $0.coveredArea > 0 ? 1.0 : 0 } ?? 0
    }
    var recipes: [ZoningComponents.Recipe] = []
    for (index, pair) in change.pairs.enumerated() {
      guard let variable = extensive.firstIndex(of: pair.name) else { continue }
      let now = units.map { $0.extensive[variable] ?? 0 }
      let earlierValues = units.indices.map { unit in
        byKey[TargetKey(column: 0, row: unit)]?.extensive[index] ?? 0
      }
      let terms = [now, earlierValues, reached]
      recipes += [
        .init(
          indicator: pair.name + "_before", terms: terms, value: { $0[2] > 0 ? $0[1] : nil },
          isCount: true),
        .init(
          indicator: pair.name + "_change", terms: terms,
          value: { $0[2] > 0 ? $0[0] - $0[1] : nil }, isCount: true),
        .init(
          indicator: pair.name + "_change_pct", terms: terms,
          value: { $0[2] > 0 && $0[1] != 0 ? 100 * ($0[0] - $0[1]) / $0[1] : nil }),
      ]
    }
    return recipes
  }
}
