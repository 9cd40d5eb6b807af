import Foundation
import GDALKit
import GEOSKit
import GeoCore
import PROJKit
import TestFixtures
import Testing

@Suite("Write then read back")
struct RoundTripTests {
  static let fields = [
    Field(name: "name", type: .string),
    Field(name: "count", type: .integer64),
    Field(name: "share", type: .real),
    Field(name: "small", type: .integer),
    Field(name: "flag", type: .boolean),
    Field(name: "day", type: .date),
  ]

  static let rows: [(String, [FieldValue])] = [
    (
      "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 2 4, 4 4, 4 2, 2 2))",
      [
        .string("Olinda"), .integer(377_779), .real(0.125), .integer(3), .boolean(true),
        .date("2010-08-01"),
      ]
    ),
    (
      "POLYGON ((20 0, 30 0, 25 8, 20 0))",
      [
        .string("São José – ação"), .integer(-5), .real(-1.5e-7), .integer(0), .boolean(false),
        .date("1999-12-31"),
      ]
    ),
    (
      "POLYGON ((40 0, 41 0, 41 1, 40 1, 40 0))",
      [.null, .null, .null, .null, .null, .null]
    ),
  ]

  /// Writes the rows in EPSG:4326 (valid for every format, GeoJSON included).
  func writeSample(to path: String) throws {
    let writer = try VectorWriter(path: path, policy: .refuse)
    let layer = try writer.addLayer(
      name: "sample", geometryType: .polygon, crs: CRS("EPSG:4326"), fields: Self.fields)
    for (index, row) in Self.rows.enumerated() {
      let geometry = try Geometry(wkt: row.0)
      try writer.write(
        Feature(id: Int64(index + 1), attributes: row.1, geometry: geometry), toLayer: layer)
    }
    try writer.commit()
  }

  @Test("features, fields and geometries survive", arguments: ["gpkg", "geojson", "fgb"])
  func roundTrip(ext: String) throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("sample.\(ext)").path
    try writeSample(to: path)
    #expect(Fixtures.contents(of: folder) == ["sample.\(ext)"])
    let layer = try VectorDataset(path: path).layer(at: 0)
    #expect(layer.crs?.epsgCode == 4326)
    var read: [Feature] = []
    try layer.forEachFeature { read.append($0) }
    #expect(read.count == Self.rows.count)
    let names = layer.fields.map(\.name)
    // FlatGeobuf's spatial index stores features in Hilbert order: match by geometry.
    for row in Self.rows {
      let expected = try Geometry(wkt: row.0)
      let feature = try #require(
        read.first { try $0.geometry?.topologicallyEquals(expected) == true })
      let geometry = try #require(feature.geometry)
      // GeoJSON rewinds rings counter-clockwise (RFC 7946): compare topologically.
      #expect(try geometry.topologicallyEquals(expected))
      #expect(geometry.area == expected.area)
      for (field, value) in zip(Self.fields, row.1) {
        let index = try #require(names.firstIndex(of: field.name))
        let actual = feature.attributes[index]
        if ext == "geojson", case .integer(let number) = actual, field.type == .boolean {
          Issue.record("boolean read back as \(number)")
        }
        if ext == "fgb", case .date(let day) = value {
          // FlatGeobuf has no date type: dates come back as midnight date-times.
          #expect(actual == .dateTime(day + "T00:00:00"))
          continue
        }
        #expect(actual == value, "\(ext): \(field.name)")
      }
    }
    let types = Dictionary(uniqueKeysWithValues: layer.fields.map { ($0.name, $0.type) })
    #expect(types["count"] == .integer64 || types["count"] == .integer)
    #expect(types["share"] == .real)
    #expect(types["flag"] == .boolean)
    #expect(types["day"] == (ext == "fgb" ? .dateTime : .date))
  }

  @Test func existingOutputIsRefusedAndKept() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = try Fixtures.write("keep me", to: "taken.gpkg", in: folder)
    #expect(throws: OutputError.exists(path: path)) {
      try VectorWriter(path: path, policy: .refuse)
    }
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "keep me")
    try writeSampleOverwriting(path)
    #expect(try VectorDataset(path: path).layer(at: 0).featureCount() == 3)
    #expect(Fixtures.contents(of: folder) == ["taken.gpkg"])
  }

  func writeSampleOverwriting(_ path: String) throws {
    let writer = try VectorWriter(path: path, policy: .overwrite)
    let layer = try writer.addLayer(
      name: "sample", geometryType: .polygon, crs: nil, fields: Self.fields)
    for (index, row) in Self.rows.enumerated() {
      try writer.write(
        Feature(id: Int64(index), attributes: row.1, geometry: Geometry(wkt: row.0)), toLayer: layer
      )
    }
    try writer.commit()
  }

  @Test func missingOutputFolderAndUnknownExtension() throws {
    #expect(throws: OutputError.self) {
      try VectorWriter(path: "/nonexistent/dir/x.gpkg", policy: .refuse)
    }
    #expect(throws: GDALError.self) { try VectorWriter(path: "/tmp/x.xyz", policy: .refuse) }
  }

  @Test func droppedWriterLeavesNothing() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    do {
      let writer = try VectorWriter(
        path: folder.appendingPathComponent("x.gpkg").path, policy: .refuse)
      _ = try writer.addLayer(name: "x", geometryType: .point, crs: nil, fields: [])
    }
    #expect(Fixtures.contents(of: folder).isEmpty)
  }

  @Test func singleLayerFormatsRefuseASecondLayer() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let writer = try VectorWriter(
      path: folder.appendingPathComponent("x.fgb").path, policy: .refuse)
    _ = try writer.addLayer(name: "a", geometryType: .point, crs: nil, fields: [])
    #expect(throws: GDALError.self) {
      try writer.addLayer(name: "b", geometryType: .point, crs: nil, fields: [])
    }
    writer.discard()
    #expect(Fixtures.contents(of: folder).isEmpty)
  }
}
