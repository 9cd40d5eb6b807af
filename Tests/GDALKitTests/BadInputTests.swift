import Foundation
import GDALKit
import GEOSKit
import GeoCore
import TestFixtures
import Testing

@Suite("Bad input to GDALKit")
struct BadInputTests {
  /// Reads every feature of every layer, to reach errors found while streaming.
  func readAll(_ path: String) throws {
    for layer in try VectorDataset(path: path).layers {
      try layer.forEachFeature { _ in }
    }
  }

  @Test func missingFile() {
    #expect(throws: GDALError.fileNotFound(path: "/nonexistent/x.gpkg")) {
      try VectorDataset(path: "/nonexistent/x.gpkg")
    }
    #expect(throws: GDALError.fileNotFound(path: "/nonexistent/x.tif")) {
      try RasterDataset(path: "/nonexistent/x.tif")
    }
  }

  @Test func fileGDALCannotOpen() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = try Fixtures.write("this is not geodata\n\u{1}\u{2}", to: "notes.gpkg", in: folder)
    do {
      _ = try VectorDataset(path: path)
      Issue.record("opened a text file")
    } catch {
      guard case .cannotOpen(let named, _) = error else {
        Issue.record("unexpected \(error)")
        return
      }
      #expect(named == path)
    }
  }

  @Test func truncatedGeoPackage() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixtures.tracts))
    let path = folder.appendingPathComponent("cut.gpkg").path
    try bytes.prefix(bytes.count / 3).write(to: URL(fileURLWithPath: path))
    #expect(throws: GDALError.self) { try readAll(path) }
  }

  @Test func rasterWhereVectorIsExpectedAndTheReverse() {
    #expect(throws: GDALError.notVector(path: Fixtures.dem)) {
      try VectorDataset(path: Fixtures.dem)
    }
    #expect(throws: GDALError.notRaster(path: Fixtures.tracts)) {
      try RasterDataset(path: Fixtures.tracts)
    }
  }

  @Test func unknownLayerListsTheLayersThatExist() throws {
    let dataset = try VectorDataset(path: Fixtures.tracts)
    #expect(
      throws: GDALError.layerNotFound(
        path: Fixtures.tracts, layer: "roads", available: ["olinda_tracts"])
    ) { try dataset.layer(named: "roads") }
  }

  @Test(
    "NaN and infinite coordinates are refused, not passed on",
    arguments: ["NaN", "-Infinity", "1e400"])
  func nonFiniteCoordinates(token: String) throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = try Fixtures.write(
      """
      {"type":"FeatureCollection","features":[{"type":"Feature","id":7,"properties":{},
      "geometry":{"type":"LineString","coordinates":[[\(token),1],[2,2]]}}]}
      """, to: "nan.geojson", in: folder)
    #expect(throws: GDALError.nonFiniteCoordinates(path: path, layer: "nan", feature: 7)) {
      try readAll(path)
    }
  }

  @Test func writerRefusesNaNCoordinatesAndLeavesNothing() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("nan.gpkg").path
    let writer = try VectorWriter(path: path, policy: .refuse)
    let layer = try writer.addLayer(name: "lines", geometryType: .lineString, crs: nil, fields: [])
    let line = try Geometry(wkt: "LINESTRING (0 0, 1 1)").transformed { x, _ in x = .nan }
    #expect(throws: GDALError.self) {
      try writer.write(Feature(id: 1, attributes: [], geometry: line), toLayer: layer)
    }
    writer.discard()
    #expect(Fixtures.contents(of: folder).isEmpty)
  }

  @Test func latin1TextIsRefused() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    var bytes = Data(
      #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Bel"#.utf8)
    bytes.append(0xE9)  // 'é' in Latin-1, invalid alone in UTF-8
    bytes.append(contentsOf: Data(#"m"},"geometry":{"type":"Point","coordinates":[1,2]}}]}"#.utf8))
    let path = folder.appendingPathComponent("latin1.geojson").path
    try bytes.write(to: URL(fileURLWithPath: path))
    #expect(throws: GDALError.self) { try readAll(path) }
  }

  @Test func rasterWindowOutsideTheRaster() throws {
    let raster = try RasterDataset(path: Fixtures.dem)
    #expect(throws: GDALError.self) {
      try raster.read(band: 1, window: RasterWindow(column: 100, row: 0, width: 20, height: 1))
    }
    #expect(throws: GDALError.self) {
      try raster.read(band: 2, window: RasterWindow(column: 0, row: 0, width: 1, height: 1))
    }
  }
}
