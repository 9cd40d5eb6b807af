import Foundation
import GDALKit
import GEOSKit
import GeoCore
import PROJKit
import TestFixtures
import Testing

@testable import Analysis

@Suite("Zonal statistics")
struct ZonalTests {
  /// A 4 x 4 raster of 1 m pixels, values 1...16 row by row from the top-left,
  /// lower-left corner at (100, 200), with -1 as nodata at the top-right pixel.
  func makeRaster(in folder: URL) throws -> String {
    let path = folder.appendingPathComponent("r.tif").path
    let writer = try GeoTIFFWriter(
      path: path, width: 4, height: 4, dataType: .float32, geoTransform: [100, 1, 0, 204, 0, -1],
      crs: CRS("EPSG:31985"), noData: -1, policy: .refuse)
    var values = (1...16).map(Double.init)
    values[3] = -1
    try writer.write(
      band: 1, window: RasterWindow(column: 0, row: 0, width: 4, height: 4), values: values)
    try writer.commit()
    return path
  }

  func zone(_ wkt: String) throws -> [PolygonRings] {
    try Geometry(wkt: wkt).polygonRings().map(PolygonRings.init(rings:))
  }

  @Test func handComputedRules() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let raster = try RasterDataset(path: makeRaster(in: folder))
    // Covers the 2 x 2 pixels of the lower-left corner fully (values 9, 10, 13, 14)
    // and the left half of the pixels next to them (11, 15).
    // Then a zone over the nodata pixel only, and one outside the raster.
    let zones = try [
      zone("POLYGON ((100 200, 102.5 200, 102.5 202, 100 202, 100 200))"),
      zone("POLYGON ((103.2 203.2, 104 203.2, 104 204, 103.2 204, 103.2 203.2))"),
      zone("POLYGON ((500 500, 501 500, 501 501, 500 500))"),
    ]
    let centre = try ZonalStatistics.compute(raster: raster, band: 1, zones: zones, rule: .centre)
    #expect(
      centre[0].count == 4 && centre[0].sum == 46 && centre[0].min == 9 && centre[0].max == 14)
    #expect(centre[0].mean == 11.5)
    #expect(centre[0].std == (((9 - 11.5) * (9 - 11.5) + 2.25 + 2.25 + 6.25) / 4).squareRoot())
    let touched = try ZonalStatistics.compute(
      raster: raster, band: 1, zones: zones, rule: .allTouched)
    #expect(touched[0].count == 6 && touched[0].sum == 72 && touched[0].max == 15)
    let covered = try ZonalStatistics.compute(
      raster: raster, band: 1, zones: zones, rule: .coverage)
    #expect(covered[0].count == 5)
    #expect(covered[0].sum == 46 + 0.5 * (11 + 15))
    for results in [centre, touched, covered] {
      #expect(results[1].count == 0 && results[1].mean == nil)  // nodata honoured
      #expect(results[2] == ZoneStatistics())  // no pixel: count 0, nothing else
    }
  }

  @Test func majorityOfACategoricalRaster() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("classes.tif").path
    let writer = try GeoTIFFWriter(
      path: path, width: 3, height: 1, dataType: .byte, geoTransform: [0, 10, 0, 10, 0, -10],
      crs: CRS("EPSG:31985"), policy: .refuse)
    try writer.write(
      band: 1, window: RasterWindow(column: 0, row: 0, width: 3, height: 1), values: [7, 3, 3])
    try writer.commit()
    let raster = try RasterDataset(path: path)
    let all = try zone("POLYGON ((0 0, 30 0, 30 10, 0 10, 0 0))")
    let result = try ZonalStatistics.compute(raster: raster, band: 1, zones: [all], rule: .centre)
    #expect(result[0].majority == 3)
  }

  @Test func threeRulesOnTheOlindaElevationModel() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    var results: [PixelRule: [ZoneStatistics]] = [:]
    for rule in PixelRule.allCases {
      var job = ZonalJob(
        raster: Fixtures.dem, zones: Fixtures.tracts,
        output: folder.appendingPathComponent("\(rule.rawValue).gpkg").path)
      job.zonesCRS = try CRS("EPSG:4674")
      job.rule = rule
      results[rule] = try job.run()
      let layer = try VectorDataset(path: job.output).layer(at: 0)
      #expect(layer.featureCount() == 470)
      #expect(
        Array(layer.fields.map(\.name).suffix(6)) == ["count", "min", "max", "mean", "sum", "std"])
    }
    let centre = try #require(results[.centre])
    let touched = try #require(results[.allTouched])
    let covered = try #require(results[.coverage])
    for index in 0..<470 {
      // A pixel whose centre is inside is touched; coverage weights are at most 1.
      #expect(centre[index].count <= touched[index].count)
      #expect(covered[index].count <= touched[index].count + 1e-9)
      if let low = touched[index].min, let high = touched[index].max {
        #expect(low >= -2 && high <= 100)  // PROVENANCE.md: about -1 to 88 m
        #expect((centre[index].min ?? low) >= low && (centre[index].max ?? high) <= high)
      }
    }
    // Tracts tile the municipality: the coverage weights add up to its area inside
    // the raster in pixels of 89.994 m (about 41 km², some 5,000 pixels).
    let total = covered.reduce(0) { $0 + $1.count }
    #expect((4_500...5_500).contains(total), "\(total)")
  }

  /// Zones are visited along a Hilbert curve, in parts spread over threads that
  /// each read through a dataset of their own: results come back in the zones'
  /// order and are the same for every thread count, and each zone's are the
  /// ones it gets alone.
  @Test(arguments: [PixelRule.centre, .allTouched, .coverage])
  func theSameStatisticsOnEveryThreadCount(rule: PixelRule) throws {
    let raster = try RasterDataset(path: Fixtures.dem)
    // 250 squares of 50 m to 2 km over the 10 km elevation model, some across
    // its edges, plus an empty zone.
    var random = SeededGenerator(seed: 17)
    var zones: [[PolygonRings]] = try (0..<250).map { _ in
      let x = Double.random(in: 287_500...299_500, using: &random)
      let y = Double.random(in: 9_110_500...9_122_000, using: &random)
      let side = Double.random(in: 50...2_000, using: &random)
      return try zone(
        "POLYGON ((\(x) \(y), \(x + side) \(y), \(x + side) \(y + side), \(x) \(y + side), \(x) \(y)))"
      )
    }
    zones.insert([], at: 100)
    let alone = try zones.map {
      try ZonalStatistics.compute(raster: raster, band: 1, zones: [$0], rule: rule)[0]
    }
    #expect(alone.filter { $0.count > 0 }.count > 150)
    for threads in [1, 2, 3, 8, 64] {
      let together = try ZonalStatistics.compute(
        raster: raster, band: 1, zones: zones, rule: rule, threads: threads)
      #expect(together == alone, "\(threads) threads")
    }
  }

  /// GDAL's block cache is lowered to the bound asked for, never raised.
  @Test(.enabled(if: ProcessInfo.processInfo.environment["GDAL_CACHEMAX"] == nil))
  func theBlockCacheIsBounded() {
    let before = RasterDataset.blockCacheBytes
    RasterDataset.limitBlockCache(toBytes: 1 << 40)
    #expect(RasterDataset.blockCacheBytes == before)
    RasterDataset.limitBlockCache(toBytes: 64 << 20)
    #expect(RasterDataset.blockCacheBytes == min(before, 64 << 20))
  }
}
