import Foundation
import GDALKit
import GeoCore
import TestFixtures
import Testing

@testable import Analysis

/// The zoning effect computes every indicator of a random zoning from sums
/// over the units (ZoningComponents) instead of building the zones. On a real
/// zoning of the tracts, the neighbourhoods, both ways must agree: the scale
/// table interpolates onto the dissolved polygons, the components add up the
/// tracts of each neighbourhood.
@Suite("Indicators of a zoning from sums over its units")
struct ZoningComponentsTests {
  /// Olinda's tracts now (V014 a count, the tract number ID an intensive
  /// variable, to check the area weighting), the tracts redrawn (merged and
  /// split) as an earlier date, the elevation model and the sample site's stations.
  static func site() throws -> (LoadedSite, URL) {
    let redrawn = try ChangeTests.redrawn()
    let stations = Fixtures.root.appendingPathComponent("Data/sites/olinda/stations.geojson").path
    _ = try Fixtures.write(
      """
      name: components
      allow-outside: true
      crs: EPSG:31985
      languages: [en]
      layers:
        tracts:
          path: \(Fixtures.tracts)
          crs: EPSG:4674
          role: units
          date: "2022"
          variables:
            V014: {kind: extensive}
            ID: {kind: intensive}
        earlier:
          path: \(redrawn.after)
          role: units
          date: "2010"
        elevation:
          path: \(Fixtures.dem)
          crs: EPSG:31985
          role: raster
          variables:
            elevation: {kind: continuous, band: 1}
        stations:
          path: \(stations)
          role: points
      scales:
        - {name: neighbourhoods, dissolve: tracts, by: NM_BAIR}
      analyses:
        densities: true
        zonal: [elevation]
        points: [stations]
        change:
          before: earlier
          variables: {V014: people}

      """, to: "site.yaml", in: redrawn.folder)
    let manifest = try ManifestReader.read(redrawn.folder.path)
    return (try LoadedSite(manifest), redrawn.folder)
  }

  @Test func theNeighbourhoodsFromTheirTractsAsFromTheirPolygons() throws {
    let (site, folder) = try Self.site()
    defer { try? FileManager.default.removeItem(at: folder) }
    let scale = try #require(site.manifest.scales.first)
    let table = try site.table(for: scale)
    // Each tract's neighbourhood, numbered as the dissolved table's rows (keys in sorted order).
    let column = try #require(site.unitsTargets.fields.firstIndex { $0.name == "NM_BAIR" })
    let keys = site.unitsTargets.attributes.map { row in
      row[column].isNull ? "" : row[column].description
    }
    let order = Dictionary(
      uniqueKeysWithValues: Set(keys).sorted().enumerated().map { ($1, $0) })
    #expect(order.count == table.rows.count)
    let labels = zip(keys, site.unitsTargets.geometries).map { key, shape in
      shape == nil ? -1 : order[key]!
    }
    let values = try site.zoningComponents().values(labels: labels, zones: order.count)
    let expected = [
      "V014_density", "ID", "V014_before", "V014_change", "V014_change_pct", "elevation_mean",
      "stations_count",
    ]
    #expect(Set(values.keys) == Set(expected))
    for name in expected {
      let indicator = try #require(table.indicators.first { $0.name == name }, "\(name)")
      let summed = try #require(values[name])
      var worst = 0.0
      for (own, sum) in zip(indicator.values, summed) {
        #expect(
          (own == nil) == (sum == nil),
          "\(name): \(String(describing: own)), \(String(describing: sum))")
        guard let own, let sum else { continue }
        worst = max(worst, abs(own - sum) / max(1, abs(own)))
      }
      // The tracts overlap each other by a few m² here and there: an overlap
      // counts once in a dissolved neighbourhood and twice in its tracts' sum.
      #expect(worst < 1e-4, "\(name): worst relative difference \(worst)")
    }
    // The sample site's six stations, each counted once.
    #expect(values["stations_count"]!.compactMap { $0 }.reduce(0, +) == 6)
  }

  /// Zonal statistics are computed by stripes of targets, to hold the rings
  /// of a stripe only: the statistics must not depend on the stripes.
  @Test func zonalStatisticsDoNotDependOnTheStripes() throws {
    let (site, folder) = try Self.site()
    defer { try? FileManager.default.removeItem(at: folder) }
    let raster = try #require(site.rasters.first)
    let geometries = ScaleGeometries.polygons(site.unitsTargets.geometries)
    #expect(geometries.count > 100)
    let whole = try site.zonalStatistics(raster, geometries: geometries) { $0 }
    #expect(whole.first?.zones.count == geometries.count)
    #expect(whole.first?.zones.contains { $0.mean != nil } == true)
    for stripe in [1, 7, geometries.count - 1] {
      let striped = try site.zonalStatistics(
        raster, geometries: geometries, zonesPerStripe: stripe
      ) { $0 }
      #expect(striped.map(\.zones) == whole.map(\.zones), "stripes of \(stripe)")
    }
  }
}
