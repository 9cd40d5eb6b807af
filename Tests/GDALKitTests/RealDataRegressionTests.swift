import Foundation
import GDALKit
import GEOSKit
import GeoCore
import PROJKit
import TestFixtures
import Testing

/// What public layers showed GDAL letting through without a word, and the
/// toolkit with it: a Shapefile whose .dbf header lies about its record count,
/// OpenStreetMap layers whose count is unknown read as empty, values a Shapefile
/// cannot hold, and a CSV's WKT column kept as an attribute.
@Suite("Real-data regressions in reading and converting")
struct RealDataRegressionTests {
  /// Twelve point features as GeoJSON, with the given properties for each.
  func points(_ properties: (Int) -> String) -> String {
    let features = (0..<12).map { index in
      #"{"type":"Feature","properties":{\#(properties(index))},"geometry":{"type":"Point","coordinates":[\#(index),1]}}"#
    }
    return collection(features)
  }

  /// A GeoJSON FeatureCollection of the given features' JSON.
  func collection(_ features: [String]) -> String {
    #"{"type":"FeatureCollection","features":["# + features.joined(separator: ",") + "]}"
  }

  func convert(_ input: String, _ output: String) throws -> ConversionReport {
    var options = ConversionOptions()
    options.sourceCRS = try CRS("EPSG:4326")
    return try convertVector(input: input, output: output, options: options)
  }

  @Test(arguments: [1_012, 2_147_483_647])
  func shapefileWhoseDbfHeaderDisagreesIsReportedWithBothCounts(announced: Int) throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let source = try Fixtures.write(points { #""n":\#($0)"# }, to: "in.geojson", in: folder)
    let shp = folder.appendingPathComponent("cut.shp").path
    _ = try convert(source, shp)
    let dbf = URL(fileURLWithPath: folder.appendingPathComponent("cut.dbf").path)
    var bytes = [UInt8](try Data(contentsOf: dbf))
    withUnsafeBytes(of: UInt32(announced).littleEndian) { bytes.replaceSubrange(4..<8, with: $0) }
    try Data(bytes).write(to: dbf)
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let before = usage.ru_maxrss
    let start = Date()
    let layer = try VectorDataset(path: shp).layer(at: 0)
    let warnings = layer.integrityWarnings
    var read = 0
    try layer.forEachFeature { _ in read += 1 }
    getrusage(RUSAGE_SELF.rawValue, &usage)
    #expect(read == 12)
    #expect(warnings.count == 1)
    #expect(warnings.first?.contains("announces \(announced) records") == true, "\(warnings)")
    #expect(warnings.first?.contains("holds 12") == true)
    // The header's count is never used to size anything: no large allocation, no wait.
    #expect(
      usage.ru_maxrss - before < 64 * 1024, "peak memory grew by \(usage.ru_maxrss - before) KiB")
    #expect(Date().timeIntervalSince(start) < 5)
    let report = try convert(shp, folder.appendingPathComponent("out.gpkg").path)
    #expect(report.layers[0].warnings == warnings)
    #expect(report.layers[0].written == 12)
  }

  /// A Shapefile declared Polygon holds multi-part features (North Carolina's
  /// Outer Banks): FlatGeobuf refused them ("Mismatched geometry type").
  @Test func multiPartShapefilePolygonsConvertToStrictFormats() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let source = try Fixtures.write(
      collection([
        #"{"type":"Feature","properties":{"n":1},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}"#,
        #"{"type":"Feature","properties":{"n":2},"geometry":{"type":"MultiPolygon","coordinates":[[[[2,0],[3,0],[3,1],[2,0]]],[[[4,0],[5,0],[5,1],[4,0]]]]}}"#,
      ]), to: "in.geojson", in: folder)
    let shp = folder.appendingPathComponent("parts.shp").path
    _ = try convert(source, shp)
    #expect(try VectorDataset(path: shp).layer(at: 0).geometryType == .polygon)
    for ext in ["fgb", "gpkg"] {
      let report = try convert(shp, folder.appendingPathComponent("out.\(ext)").path)
      #expect(report.layers[0].written == 2)
      #expect(report.layers[0].geometryType == .multiPolygon)
    }
  }

  /// Broken OpenStreetMap multipolygons carry rings of 2 points, which GEOS
  /// refuses: the whole layer was refused for one of them.
  @Test func ringsOfFewerThanFourPointsAreDroppedWhileReading() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let source = try Fixtures.write(
      collection([
        #"{"type":"Feature","id":7,"properties":{},"geometry":{"type":"MultiPolygon","coordinates":["#
          + #"[[[0,0],[4,0],[4,4],[0,0]],[[1,1],[2,1]]],[[[5,5],[6,5]]]]}}"#
      ]), to: "broken.geojson", in: folder)
    let report = try convert(source, folder.appendingPathComponent("out.gpkg").path)
    #expect(report.layers[0].written == 1)
    #expect(
      report.layers[0].warnings.contains { $0.contains("2 polygon rings of fewer than 4 points") })
    var geometries: [Geometry?] = []
    try VectorDataset(path: folder.appendingPathComponent("out.gpkg").path).layer(at: 0)
      .forEachFeature { geometries.append($0.geometry) }
    #expect(geometries.first??.polygonRings().map(\.count) == [1])
  }

  /// A world grid's edge cells reach past EPSG:6933's domain (±86°): analyze
  /// could not write them to GeoJSON.
  @Test func geometriesPastTheDomainAreTransformedWithinIt() throws {
    let transformer = try Transformer(from: CRS("EPSG:6933"), to: CRS.wgs84)
    let cell = try Geometry(
      wkt:
        "POLYGON ((-17400000 -7350000, -17300000 -7350000, -17300000 -7250000, -17400000 -7250000, -17400000 -7350000))"
    )
    #expect(throws: PROJError.self) { try transformer.transform(cell) }
    let kept = try transformer.transformWithinDomain(cell)
    var south = 0.0
    kept.forEachCoordinate { _, y in south = min(south, y) }
    #expect(south >= -86.0001 && south < -85, "\(south)")
    #expect(!kept.isEmpty)
  }

  @Test func openStreetMapCountsAreUnknownNotZero() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = try Fixtures.write(
      """
      <?xml version="1.0" encoding="UTF-8"?>
      <osm version="0.6" generator="hand">
        <node id="1" lat="-8.01" lon="-34.85" version="1"><tag k="amenity" v="school"/></node>
        <node id="2" lat="-8.02" lon="-34.86" version="1"><tag k="amenity" v="clinic"/></node>
      </osm>
      """, to: "two.osm", in: folder)
    let layer = try VectorDataset(path: path).layer(named: "points")
    #expect(layer.featureCount() == nil)
    #expect(layer.info.featureCount == nil)
    let summary = try DatasetSummary(path: path)
    #expect(summary.layers?.first { $0.name == "points" }?.featureCount == nil)
    var options = ConversionOptions()
    options.layers = ["points"]
    let report = try convertVector(
      input: path, output: folder.appendingPathComponent("points.gpkg").path, options: options)
    #expect(report.layers[0].written == 2, "an unknown count is not an empty layer")
  }

  @Test func whatAShapefileCannotHoldIsReportedPerField() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let long = String(repeating: "a", count: 5_001)
    let source = try Fixtures.write(
      points { index in
        #""note":"\#(index == 0 ? long : index == 1 ? "  padded " : index == 2 ? "" : "ok")","#
          + #""seen":"2026-11-30T14:05:00","a_rather_long_name":1"#
      }, to: "in.geojson", in: folder)
    let report = try convert(source, folder.appendingPathComponent("out.shp").path)
    let warnings = report.layers[0].warnings
    #expect(warnings.contains { $0.contains("'note'") && $0.contains("1 texts longer than 254") })
    #expect(
      warnings.contains { $0.contains("'note'") && $0.contains("1 texts lose their leading") })
    #expect(warnings.contains { $0.contains("'note'") && $0.contains("1 empty texts") })
    #expect(warnings.contains { $0.contains("'seen'") && $0.contains("12 date-times") })
    #expect(
      warnings.contains { $0.contains("'a_rather_long_name'") && $0.contains("10 characters") })
    // A GeoPackage holds all of it: no warning.
    let kept = try convert(source, folder.appendingPathComponent("out.gpkg").path)
    #expect(kept.layers[0].warnings.isEmpty)
  }

  @Test func aCSVsGeometryColumnIsTheGeometryNotAnAttribute() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let csv = folder.appendingPathComponent("tracts.csv").path
    var options = ConversionOptions()
    _ = try convertVector(input: Fixtures.tracts, output: csv, options: options)
    let layer = try VectorDataset(path: csv).layer(at: 0)
    #expect(!layer.fields.contains { $0.name.uppercased() == "WKT" }, "\(layer.fields.map(\.name))")
    options.sourceCRS = try CRS("EPSG:4674")
    let report = try convertVector(
      input: csv, output: folder.appendingPathComponent("back.gpkg").path, options: options)
    #expect(report.layers[0].geometryType == .polygon)
    let back = try VectorDataset(path: folder.appendingPathComponent("back.gpkg").path).layer(at: 0)
    #expect(
      back.fields.map(\.name)
        == (try VectorDataset(path: Fixtures.tracts).layer(at: 0)).fields.map(\.name))
  }
}
