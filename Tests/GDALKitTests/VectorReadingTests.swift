import Foundation
import GDALKit
import GEOSKit
import GeoCore
import PROJKit
import TestFixtures
import Testing

@Suite("Vector reading")
struct VectorReadingTests {
  @Test func olindaTractsAsOgrinfoReportsThem() throws {
    // `ogrinfo -so olinda_tracts.gpkg olinda_tracts`: 470 features, Polygon,
    // extent (-34.916923, -8.044467) - (-34.827789, -7.954672), GRS 1980 datum unknown.
    let dataset = try VectorDataset(path: Fixtures.tracts)
    #expect(dataset.driverName == "GPKG")
    #expect(dataset.layerNames == ["olinda_tracts"])
    let info = try dataset.layer(named: "olinda_tracts").info
    #expect(info.featureCount == 470)
    #expect(info.geometryType == .polygon)
    let extent = try #require(info.extent)
    #expect(abs(extent.minX - -34.916923) < 1e-6 && abs(extent.maxX - -34.827789) < 1e-6)
    #expect(abs(extent.minY - -8.044467) < 1e-6 && abs(extent.maxY - -7.954672) < 1e-6)
    let crs = try #require(info.crs)
    #expect(crs.isGeographic)
    #expect(crs.epsgCode == nil)
    #expect(crs.datumName == "unknown")
    #expect(
      info.fields.map(\.name) == ["ID", "CD_GEOCODI", "TIPO", "CD_GEOCODB", "NM_BAIR", "V014"])
    #expect(info.fields.map(\.type) == [.real, .string, .string, .string, .string, .integer64])
  }

  @Test func streamingReadsEveryFeatureWithTypedValues() throws {
    let layer = try VectorDataset(path: Fixtures.tracts).layer(at: 0)
    var population: Int64 = 0
    var urban = 0
    var count = 0
    try layer.forEachFeature { feature in
      count += 1
      guard case .integer(let residents) = feature.attributes[5] else {
        Issue.record("V014 of \(feature.id) is \(feature.attributes[5])")
        return
      }
      population += residents
      if feature.attributes[2] == .string("URBANO") { urban += 1 }
      #expect(feature.geometry?.type == .polygon)
      #expect(feature.geometry?.isValid == true)
    }
    #expect(count == 470)
    // Olinda's 2010 census population (PROVENANCE.md).
    #expect(population == 377_779)
    #expect(urban > 400)
  }

  @Test func readerCountsNullGeometries() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = try Fixtures.write(
      """
      {"type":"FeatureCollection","features":[
      {"type":"Feature","properties":{"n":1},"geometry":null},
      {"type":"Feature","properties":{"n":2},"geometry":{"type":"Point","coordinates":[1,2]}}]}
      """, to: "nulls.geojson", in: folder)
    let reader = try VectorDataset(path: path).layer(at: 0).makeReader()
    var geometries: [Geometry?] = []
    while let feature = try reader.next() { geometries.append(feature.geometry) }
    #expect(geometries.count == 2)
    #expect(reader.nullGeometryCount == 1)
    let point = try #require(geometries[1]).pointCoordinates()
    #expect(point == (1, 2))
  }
}
