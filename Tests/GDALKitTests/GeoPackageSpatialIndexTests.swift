import Foundation
import GDALKit
import GEOSKit
import GeoCore
import PROJKit
import SQLiteKit
import TestFixtures
import Testing

@Suite("GeoPackage spatial index, packed")
struct GeoPackageSpatialIndexTests {
  /// Boxes scattered over a projected extent, seeded, with what each one is.
  static func boxes(count: Int) -> [Envelope] {
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> Double {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Double(state >> 11) / Double(1 << 53)
    }
    return (0..<count).map { _ in
      let x = 280_000 + next() * 20_000
      let y = 9_100_000 + next() * 20_000
      let size = 0.3 + next() * (next() < 0.05 ? 3_000 : 40)
      return Envelope(minX: x, minY: y, maxX: x + size, maxY: y + size * (0.2 + next()))
    }
  }

  /// A GeoPackage of `boxes` (attribute `key` = index), plus a null and an empty
  /// geometry, and a layer of points; returns its path.
  static func write(_ boxes: [Envelope], in folder: URL) throws -> String {
    let path = folder.appendingPathComponent("indexed.gpkg").path
    let writer = try VectorWriter(path: path, policy: .refuse)
    let crs = try CRS("EPSG:31985")
    let cells = try writer.addLayer(
      name: "cells", geometryType: .polygon, crs: crs, fields: [Field(name: "key", type: .integer)])
    for (index, box) in boxes.enumerated() {
      try writer.write(
        Feature(id: Int64(index), attributes: [.integer(Int64(index))], geometry: .rectangle(box)),
        toLayer: cells)
    }
    try writer.write(Feature(id: -1, attributes: [.integer(-1)], geometry: nil), toLayer: cells)
    try writer.write(
      Feature(id: -2, attributes: [.integer(-2)], geometry: try Geometry(wkt: "POLYGON EMPTY")),
      toLayer: cells)
    let points = try writer.addLayer(
      name: "stations", geometryType: .point, crs: crs, fields: [Field(name: "key", type: .integer)]
    )
    for (index, box) in boxes.prefix(100).enumerated() {
      try writer.write(
        Feature(
          id: Int64(index), attributes: [.integer(Int64(index))],
          geometry: try Geometry(wkt: "POINT (\(box.minX) \(box.maxY))")),
        toLayer: points)
    }
    try writer.commit()
    return path
  }

  static func doubles(_ row: [SQLiteValue]) -> [Double] {
    row.map {
      switch $0 {
      case .real(let value): return value
      case .integer(let value): return Double(value)
      default: return .nan
      }
    }
  }

  @Test("the index SQLite checks, one entry per geometry, each box the exact one rounded outwards")
  func indexOfWrittenFile() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let boxes = Self.boxes(count: 20_000)
    let path = try Self.write(boxes, in: folder)
    let database = try SQLiteDatabase(path: path)
    for index in ["rtree_cells_geom", "rtree_stations_geom"] {
      #expect(try database.query("SELECT rtreecheck('\(index)')") == [[.text("ok")]])
    }
    // Every polygon but the null and the empty one, each once, with its own box.
    let rows = try database.query(
      """
      SELECT c.key, r.minx, r.maxx, r.miny, r.maxy FROM rtree_cells_geom r
      JOIN cells c ON c.fid = r.id ORDER BY c.key
      """)
    #expect(rows.count == boxes.count)
    for row in rows {
      let values = Self.doubles(row)
      let box = boxes[Int(values[0])]
      let stored = values[1...].map { Float($0) }
      let exact = [box.minX, box.maxX, box.minY, box.maxY]
      for side in 0..<4 {
        let lower = side % 2 == 0
        // Outwards, and by less than one float32 step.
        let holds =
          lower ? Double(stored[side]) <= exact[side] : Double(stored[side]) >= exact[side]
        let tight =
          lower
          ? Double(stored[side].nextUp) > exact[side] : Double(stored[side].nextDown) < exact[side]
        #expect(holds && tight, "key \(values[0]) side \(side): \(stored[side]) for \(exact[side])")
      }
    }
    #expect(try database.query("SELECT count(*) FROM rtree_stations_geom") == [[.integer(100)]])
    // A window query walks the tree's inner boxes: it finds exactly what a scan of the leaves finds.
    let all = try database.query("SELECT id, minx, maxx, miny, maxy FROM rtree_cells_geom").map(
      Self.doubles)
    for box in Self.boxes(count: 30) {
      let window = Envelope(
        minX: box.minX - 500, minY: box.minY - 500, maxX: box.maxX + 500, maxY: box.maxY + 500)
      let found = try database.query(
        """
        SELECT id FROM rtree_cells_geom WHERE maxx >= \(window.minX) AND minx <= \(window.maxX) \
        AND maxy >= \(window.minY) AND miny <= \(window.maxY)
        """
      ).map { Self.doubles($0)[0] }
      let scanned = all.filter {
        $0[2] >= window.minX && $0[1] <= window.maxX && $0[4] >= window.minY && $0[3] <= window.maxY
      }.map { $0[0] }
      #expect(Set(found) == Set(scanned))
      #expect(found.count == scanned.count)
    }
    let extensions = try database.query(
      "SELECT table_name, column_name, extension_name, scope FROM gpkg_extensions WHERE extension_name = 'gpkg_rtree_index' ORDER BY table_name"
    )
    #expect(
      extensions == [
        [.text("cells"), .text("geom"), .text("gpkg_rtree_index"), .text("write-only")],
        [.text("stations"), .text("geom"), .text("gpkg_rtree_index"), .text("write-only")],
      ])
    let triggers = try database.query(
      "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'rtree_cells_geom_%' ORDER BY name"
    )
    #expect(
      triggers
        == ["delete", "insert", "update1", "update2", "update3", "update4"].map {
          [.text("rtree_cells_geom_\($0)")]
        })
  }

  @Test("GDAL finds the index, filters with it, and its triggers keep it in step")
  func gdalUsesAndUpdatesTheIndex() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let boxes = Self.boxes(count: 3_000)
    let path = try Self.write(boxes, in: folder)
    let has = try ogrinfo([path, "-sql", "SELECT HasSpatialIndex('cells', 'geom')"])
    #expect(has.contains("= 1"), "\(has)")
    let window = Envelope(minX: 285_000, minY: 9_105_000, maxX: 290_000, maxY: 9_110_000)
    let filtered = try ogrinfo([
      "-so", path, "cells", "-spat", "\(window.minX)", "\(window.minY)", "\(window.maxX)",
      "\(window.maxY)",
    ])
    let expected = boxes.filter { $0.intersects(window) }.count
    #expect(filtered.contains("Feature Count: \(expected)"), "\(filtered)")
    // Edits through GDAL fire the triggers the index was given.
    _ = try ogrinfo([path, "-sql", "DELETE FROM cells WHERE key < 10"])
    _ = try ogrinfo([
      path, "-sql",
      "UPDATE cells SET geom = (SELECT geom FROM cells WHERE key = 20) WHERE key = 21",
    ])
    let database = try SQLiteDatabase(path: path)
    #expect(try database.query("SELECT rtreecheck('rtree_cells_geom')") == [[.text("ok")]])
    #expect(
      try database.query("SELECT count(*) FROM rtree_cells_geom")
        == [[.integer(Int64(boxes.count - 10))]])
    let moved = try database.query(
      """
      SELECT r.minx = s.minx AND r.maxy = s.maxy FROM rtree_cells_geom r, rtree_cells_geom s, cells a, cells b
      WHERE a.key = 21 AND b.key = 20 AND r.id = a.fid AND s.id = b.fid
      """)
    #expect(moved == [[.integer(1)]])
  }

  @Test("coordinates beyond float32's range, as damaged files hold, are indexed, not a crash")
  func extremeCoordinates() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let extreme = [
      Envelope(minX: -1e300, minY: 0, maxX: 1e300, maxY: 1),
      Envelope(minX: 1e39, minY: 1e39, maxX: 2e39, maxY: 2e39),
      Envelope(minX: -1e308, minY: -1e308, maxX: -1e307, maxY: -1e307),
    ]
    let boxes = Self.boxes(count: 200) + extreme
    let path = try Self.write(boxes, in: folder)
    let database = try SQLiteDatabase(path: path)
    #expect(try database.query("SELECT rtreecheck('rtree_cells_geom')") == [[.text("ok")]])
    #expect(
      try database.query("SELECT count(*) FROM rtree_cells_geom") == [
        [.integer(Int64(boxes.count))]
      ])
    // The box across the whole float range is found by a window anywhere on its row.
    let found = try database.query(
      "SELECT count(*) FROM rtree_cells_geom WHERE maxx >= 5e37 AND minx <= 6e37 AND maxy >= 0.5 AND miny <= 0.5"
    )
    #expect(found == [[.integer(1)]])
    // Packing alone: infinite and NaN centres take a place on the curve.
    let entries = [
      PackedRTree.Entry(id: 1, minX: -1e300, maxX: 1e300, minY: 0, maxY: 1),
      PackedRTree.Entry(id: 2, minX: 1e300, maxX: 1e301, minY: 1e300, maxY: 1e301),
      PackedRTree.Entry(id: 3, minX: 0, maxX: 1, minY: 0, maxY: 1),
      PackedRTree.Entry(id: 4, minX: 5, maxX: 6, minY: 5, maxY: 6),
    ]
    let tree = PackedRTree(entries: entries, capacity: 3, nodeSize: 76)
    #expect(tree.count == 4 && tree.nodes.count == 3)
  }

  @Test("packing by hand: seven entries in nodes of three")
  func smallTree() {
    let entries = (0..<7).map {
      PackedRTree.Entry(
        id: Int64($0 + 1), minX: Double($0), maxX: Double($0) + 0.5, minY: 0, maxY: 1)
    }
    let tree = PackedRTree(entries: entries, capacity: 3, nodeSize: 4 + 24 * 3)
    // Three leaves of 2, 2 and 3 entries under a root of depth 1.
    #expect(tree.nodes.map(\.number) == [1, 2, 3, 4])
    let root = tree.nodes[0].data
    #expect(Array(root[0..<4]) == [0, 1, 0, 3])
    #expect(tree.nodes[1...].map { Int($0.data[3]) } == [2, 2, 3])
    #expect(tree.nodes[1...].allSatisfy { $0.data[0] == 0 && $0.data[1] == 0 })
    #expect(tree.parentOfNode.map(\.parent) == [1, 1, 1])
    var leaves: [Int64: Int64] = [:]
    tree.forEachRow { id, leaf in leaves[id] = leaf }
    #expect(leaves.keys.sorted() == Array(1...7))
    #expect(Set(leaves.values) == [2, 3, 4])
    // Entries along a line are grouped by position: each leaf holds neighbours.
    for leaf: Int64 in 2...4 {
      let ids = leaves.filter { $0.value == leaf }.keys.sorted()
      #expect(ids.last! - ids.first! == Int64(ids.count - 1), "leaf \(leaf): \(ids)")
    }
    // A single entry is a root leaf; none is an empty root.
    let single = PackedRTree(entries: [entries[0]], capacity: 3, nodeSize: 76)
    #expect(single.nodes.count == 1 && Array(single.nodes[0].data[0..<4]) == [0, 0, 0, 1])
    let empty = PackedRTree(entries: [], capacity: 3, nodeSize: 76)
    #expect(empty.nodes.count == 1 && Array(empty.nodes[0].data[0..<4]) == [0, 0, 0, 0])
  }

  @Test("a blob that is not a GeoPackage geometry is named, and the file is left as it was")
  func damagedGeometry() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("damaged.gpkg").path
    let database = try SQLiteDatabase(path: path, create: true)
    try database.execute(
      """
      CREATE TABLE gpkg_geometry_columns (table_name TEXT, column_name TEXT);
      INSERT INTO gpkg_geometry_columns VALUES ('zones', 'geom');
      CREATE TABLE zones (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom BLOB);
      INSERT INTO zones (geom) VALUES (X'4750001100000000');
      INSERT INTO zones (geom) VALUES (X'0102030405060708090A');
      """)
    #expect {
      try GeoPackageSpatialIndex.addMissing(toGeoPackageAt: path)
    } throws: { error in
      "\(error)".contains("zones") && "\(error)".contains("row 2")
        && "\(error)".contains("not a GeoPackage geometry")
    }
    let tables = try database.query(
      "SELECT name FROM sqlite_master WHERE name LIKE 'rtree%' OR name = 'gpkg_extensions'")
    #expect(tables.isEmpty)
  }

  /// Runs GDAL's `ogrinfo` (gdal-bin, installed by Scripts/setup) and returns what it printed.
  func ogrinfo(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/ogrinfo")
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 0, "ogrinfo \(arguments): \(output)")
    return output
  }
}
