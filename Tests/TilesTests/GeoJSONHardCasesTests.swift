import Foundation
import GDALKit
import GEOSKit
import GeoCore
import PROJKit
import TestFixtures
import Testing

@testable import Tiles

/// Cases public layers showed the GeoJSON export getting wrong: a polygon around
/// a pole (Antarctica) exported as two rings covering the globe, coordinates off
/// the globe written as they were, a ring of 3 positions, and polygons that
/// rounding to 7 decimals made cross themselves (Natural Earth's Sudan, sliver
/// holes of a dissolve).
@Suite("GeoJSON export of hard real-world shapes")
struct GeoJSONHardCasesTests {
  /// Runs the export of a GeoJSON text and returns the output's text and report.
  func export(_ input: String, decimals: Int = 7) throws -> (String, ConversionReport) {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let source = try Fixtures.write(input, to: "in.geojson", in: folder)
    let output = folder.appendingPathComponent("out.geojson").path
    let report = try GeoJSONExport.run(
      input: source, output: output, layer: nil, sourceCRS: nil, makeValid: false,
      decimals: decimals, boundingBoxes: false, policy: .refuse)
    return (try String(contentsOfFile: output, encoding: .utf8), report)
  }

  func collection(_ geometries: [String]) -> String {
    let features = geometries.enumerated().map { index, geometry in
      #"{"type":"Feature","id":\#(index + 1),"properties":{},"geometry":\#(geometry)}"#
    }
    return #"{"type":"FeatureCollection","features":["# + features.joined(separator: ",") + "]}"
  }

  /// The geometries of an output, read back by GDAL and GEOS.
  func geometries(_ text: String) throws -> [Geometry?] {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = try Fixtures.write(text, to: "back.geojson", in: folder)
    var out: [Geometry?] = []
    try VectorDataset(path: path).layer(at: 0).forEachFeature { out.append($0.geometry) }
    return out
  }

  /// The area on an equal-area projection of the world (EPSG:6933), in km².
  func equalArea(_ geometry: Geometry) throws -> Double {
    let transformer = try Transformer(from: CRS.wgs84, to: CRS("EPSG:6933"))
    return try transformer.transform(geometry).area / 1e6
  }

  @Test func ringAlongThePoleAndTheAntimeridianKeepsItsArea() throws {
    // Antarctica as Natural Earth draws it: along -90° from 180 to -180.
    let ring = "[[-180,-90],[-180,-84],[-90,-80],[0,-78],[90,-80],[180,-84],[180,-90],[-180,-90]]"
    let (text, _) = try export(collection([#"{"type":"Polygon","coordinates":[\#(ring)]}"#]))
    let written = try #require(try geometries(text).first ?? nil)
    let source = try Geometry(
      wkt: "POLYGON ((-180 -90, -180 -84, -90 -80, 0 -78, 90 -80, 180 -84, 180 -90, -180 -90))")
    let expected = try equalArea(source)
    #expect(abs(try equalArea(written) - expected) <= 1e-6 * expected)
    #expect(expected < 20e6, "a cap south of -78°, not the globe")
  }

  @Test func ringAroundAPoleCrossingTheAntimeridianClosesAlongThePole() throws {
    // A ring at 80° N that crosses ±180 once: it encloses the North Pole.
    let ring = "[[-170,80],[-90,80],[0,80],[90,80],[170,80],[-170,80]]"
    let (text, _) = try export(collection([#"{"type":"Polygon","coordinates":[\#(ring)]}"#]))
    let written = try #require(try geometries(text).first ?? nil)
    #expect(written.isValid)
    // EPSG:6933 is cylindrical: the cap north of 80° is a rectangle there.
    let cap = try equalArea(Geometry(wkt: "POLYGON ((-180 80, 180 80, 180 90, -180 90, -180 80))"))
    #expect(abs(try equalArea(written) - cap) <= 1e-6 * cap)
    written.forEachCoordinate { x, y in #expect(abs(x) <= 180 && abs(y) <= 90) }
  }

  @Test(arguments: [("[190,10]", "190"), ("[10,91]", "91"), ("[-180.5,0]", "-180.5")])
  func coordinatesOffTheGlobeAreRefusedNamingTheFeature(point: String, shown: String) throws {
    let input = collection([
      #"{"type":"Point","coordinates":[1,1]}"#, #"{"type":"Point","coordinates":\#(point)}"#,
    ])
    #expect {
      _ = try export(input)
    } throws: { error in
      let text = "\(error)"
      return text.contains("feature 2") && text.contains(shown) && text.contains("off the globe")
    }
  }

  @Test func ringsOfThreePositionsAreDroppedAndCounted() throws {
    let (text, report) = try export(
      collection([
        #"{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}"#,
        #"{"type":"Polygon","coordinates":[[[0,0],[4,0],[4,4],[0,0]],[[1,0.5],[2,0.5],[1,0.5]]]}"#,
      ]))
    let written = try geometries(text)
    #expect(written.count == 2)
    #expect(written[0] == nil)
    let kept = try #require(written[1])
    #expect(kept.polygonRings() == [[[SIMD2(0, 0), SIMD2(4, 0), SIMD2(4, 4), SIMD2(0, 0)]]])
    let warnings = report.layers[0].warnings.joined()
    #expect(warnings.contains("2 rings"))
    #expect(warnings.contains("1 geometry"))
    // Every ring written has at least 4 positions.
    let json = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    let features = try #require(json["features"] as? [[String: Any]])
    let polygon = try #require(features[1]["geometry"] as? [String: Any])
    let rings = try #require(polygon["coordinates"] as? [[[Double]]])
    #expect(rings.allSatisfy { $0.count >= 4 })
  }

  @Test func polygonThatRoundingFoldsIsSnappedToAValidOne() throws {
    // Valid as given: a notch reaching 4e-8° above the bottom edge. At 7
    // decimals that vertex lands on the edge and the ring touches itself.
    let polygon =
      #"{"type":"Polygon","coordinates":[[[0,0],[2,0],[2,2],[1,0.00000004],[0,2],[0,0]]]}"#
    let source = try Geometry(wkt: "POLYGON ((0 0, 2 0, 2 2, 1 0.00000004, 0 2, 0 0))")
    #expect(source.isValid)
    let (text, report) = try export(collection([polygon]))
    let written = try #require(try geometries(text).first ?? nil)
    #expect(written.isValid, "\(written.wkt(decimals: 8))")
    #expect(abs(written.area - source.area) < 1e-6)
    #expect(report.layers[0].warnings.joined().contains("1 polygon that rounding made invalid"))
  }
}
