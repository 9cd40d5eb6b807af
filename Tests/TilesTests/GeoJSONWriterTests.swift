import Foundation
import GEOSKit
import GeoCore
import Testing

@testable import Tiles

@Suite("RFC 7946 GeoJSON")
struct GeoJSONWriterTests {
  func write(
    _ features: [(properties: [(name: String, value: FieldValue)], wkt: String?)],
    ext: String = "geojson", decimals: Int = 7
  )
    throws -> String
  {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent(
      "w-\(UUID().uuidString).\(ext)"
    ).path
    defer { try? FileManager.default.removeItem(atPath: path) }
    let writer = try GeoJSONWriter(
      path: path, decimals: decimals, boundingBoxes: true, policy: .refuse)
    for feature in features {
      try writer.write(
        properties: feature.properties, geometry: try feature.wkt.map { try Geometry(wkt: $0) })
    }
    try writer.commit()
    return try String(contentsOfFile: path, encoding: .utf8)
  }

  func json(_ text: String) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  func geometry(_ text: String) throws -> [String: Any] {
    let features = try #require(json(text)["features"] as? [[String: Any]])
    return try #require(features.first?["geometry"] as? [String: Any])
  }

  /// Twice the signed area of a ring of [x, y] pairs: positive counter-clockwise.
  func signedArea(_ ring: [[Double]]) -> Double {
    zip(ring, ring.dropFirst() + [ring[0]]).reduce(0) { $0 + $1.0[0] * $1.1[1] - $1.1[0] * $1.0[1] }
  }

  @Test func exteriorCounterClockwiseHolesClockwise() throws {
    // Exterior given clockwise, hole given counter-clockwise: both are turned.
    let text = try write([([], "POLYGON ((0 0, 0 4, 4 4, 4 0, 0 0), (1 1, 2 1, 2 2, 1 2, 1 1))")])
    let rings = try #require(geometry(text)["coordinates"] as? [[[Double]]])
    #expect(signedArea(rings[0]) > 0)
    #expect(signedArea(rings[1]) < 0)
    #expect(try json(text)["crs"] == nil)
  }

  @Test func polygonAcrossTheAntimeridianIsCut() throws {
    let text = try write([([], "POLYGON ((170 10, -170 10, -170 20, 170 20, 170 10))")])
    let shape = try geometry(text)
    #expect(shape["type"] as? String == "MultiPolygon")
    let polygons = try #require(shape["coordinates"] as? [[[[Double]]]])
    #expect(polygons.count == 2)
    for polygon in polygons {
      // Each half is 10° wide and 10° high, counter-clockwise, inside ±180.
      #expect(abs(abs(signedArea(polygon[0])) / 2 - 100) < 1e-9)
      #expect(signedArea(polygon[0]) > 0)
      #expect(polygon[0].allSatisfy { abs($0[0]) <= 180 })
    }
  }

  @Test func alreadySplitPolygonsKeepTheirArea() throws {
    // As Natural Earth ships Russia: two parts touching ±180, no segment jumping.
    let text = try write([
      (
        [],
        "MULTIPOLYGON (((170 60, 180 60, 180 70, 170 70, 170 60)), ((-180 60, -170 60, -170 70, -180 70, -180 60)))"
      )
    ])
    let polygons = try #require(geometry(text)["coordinates"] as? [[[[Double]]]])
    #expect(polygons.count == 2)
    #expect(polygons.allSatisfy { abs(signedArea($0[0])) / 2 == 100 })
  }

  @Test func lineAcrossTheAntimeridianIsCut() throws {
    let shape = try geometry(try write([([], "LINESTRING (175 0, -175 2)")]))
    #expect(shape["type"] as? String == "MultiLineString")
    let lines = try #require(shape["coordinates"] as? [[[Double]]])
    #expect(lines.count == 2)
    #expect(
      lines.flatMap { $0 }.contains { $0[0] == 180 }
        && lines.flatMap { $0 }.contains { $0[0] == -180 })
  }

  @Test func propertiesKeepTheirJSONTypes() throws {
    let text = try write([
      (
        [
          ("n", .integer(377_779)), ("share", .real(0.25)), ("whole", .real(3)), ("none", .null),
          ("name", .string("São José \"Centro\"")), ("ok", .boolean(true)),
        ], "POINT (-34.8551 -8.0089)"
      )
    ])
    let features = try #require(json(text)["features"] as? [[String: Any]])
    let properties = try #require(features[0]["properties"] as? [String: Any])
    #expect(properties["n"] as? Int == 377_779)
    #expect(properties["share"] as? Double == 0.25)
    #expect(properties["none"] is NSNull)
    #expect(properties["name"] as? String == "São José \"Centro\"")
    #expect(properties["ok"] as? Bool == true)
    #expect(text.contains("\"n\":377779,") && text.contains("\"whole\":3.0"))
  }

  @Test func decimalsAndSequences() throws {
    let text = try write(
      [([("i", .integer(1))], "POINT (-34.85512345678 -8.00891234)"), ([("i", .integer(2))], nil)],
      ext: "geojsonl",
      decimals: 3)
    let lines = text.split(separator: "\n")
    #expect(lines.count == 2)
    for line in lines { _ = try json(String(line)) }  // each line is one whole feature
    #expect(lines[0].contains("[-34.855,-8.009]"))
    #expect(lines[1].contains("\"geometry\":null"))
  }

  @Test("numbers are written with fixed decimals, trailing zeros trimmed, no -0")
  func numbers() {
    let cases: [(Double, Int, String)] = [
      (12.5, 7, "12.5"), (12, 7, "12"), (0.05, 7, "0.05"), (-34.86087954, 7, "-34.8608795"),
      (-0.00000001, 7, "0"), (180, 7, "180"), (-8.04446761, 7, "-8.0444676"),
      (0.123456789, 3, "0.123"),
      (1e-7, 7, "0.0000001"), (-1.99999999, 7, "-2"), (1234567.5, 0, "1234568"), (.nan, 7, "null"),
    ]
    for (value, decimals, text) in cases {
      #expect(JSONText.number(value, decimals: decimals) == text, "\(value)")
    }
  }

  @Test("property values keep their JSON types; integers are written as Swift writes them")
  func propertyValues() {
    for n: Int64 in [0, 7, -7, 10, 1_000_000_007, .max, .min] {
      #expect(JSONText.value(.integer(n)) == String(n))
    }
    let cases: [(FieldValue, String)] = [
      (.real(3), "3.0"), (.real(-2), "-2.0"), (.real(-0.0), "0.0"), (.real(0.1), "0.1"),
      (.real(.infinity), "null"), (.real(1e300), "1e+300"), (.null, "null"),
      (.boolean(true), "true"), (.string("a\"b"), "\"a\\\"b\""),
      (.integerList([1, -2]), "[1,-2]"), (.stringList(["x", "y"]), "[\"x\",\"y\"]"),
    ]
    for (value, text) in cases { #expect(JSONText.value(value) == text, "\(value)") }
  }

  @Test("every control character, quote, backslash and non-ASCII text reads back from JSON")
  func stringsReadBack() throws {
    let texts = [
      String(String.UnicodeScalarView((0..<0x80).compactMap(Unicode.Scalar.init))),
      "Praça \"do\" Carmo \\ Olinda", "ﺍﻟﻘﺎﻫﺮﺓ", "😀\u{7F}\u{2028}", "",
    ]
    for text in texts {
      let json = "[" + JSONText.string(text) + "]"
      let parsed = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String]
      #expect(parsed == [text], "\(json)")
    }
    #expect(JSONText.string("a\u{1F}\"\n") == "\"a\\u001f\\\"\\n\"")
  }

  @Test("golden file: winding, hole, antimeridian, JSON types, escapes, no geometry")
  func golden() throws {
    // Golden/hard-cases.expected.geojson was checked by hand and by
    // Scripts/check_tiles.py geojson; any change to the writer's output shows here.
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
      "Golden")
    let output = FileManager.default.temporaryDirectory.appendingPathComponent(
      "golden-\(UUID().uuidString).geojson")
    defer { try? FileManager.default.removeItem(at: output) }
    _ = try GeoJSONExport.run(
      input: folder.appendingPathComponent("hard-cases.geojson").path, output: output.path,
      layer: nil,
      sourceCRS: nil, makeValid: false, decimals: 7, boundingBoxes: true, policy: .refuse)
    let written = try String(contentsOf: output, encoding: .utf8)
    let expected = try String(
      contentsOf: folder.appendingPathComponent("hard-cases.expected.geojson"), encoding: .utf8)
    #expect(written == expected)
  }
}
