/// The spatial index of a GeoPackage's feature tables (the `gpkg_rtree_index`
/// extension of the OGC GeoPackage standard, annex F.3), built in one pass from
/// the geometries' envelopes as a packed tree (`PackedRTree`) rather than row
/// by row: the `rtree_<table>_<column>` virtual table, its nodes, the triggers
/// the standard defines to keep it up to date, and its row in `gpkg_extensions`.
public enum GeoPackageSpatialIndex {
  /// Indexes every feature table of the GeoPackage at `path` that has no
  /// spatial index yet, in one transaction.
  /// - Returns: the tables indexed, each with the number of geometries indexed.
  /// - Throws: `SQLiteError` (a geometry blob that is not a GeoPackage geometry
  ///   is one); the file is left as it was.
  @discardableResult
  public static func addMissing(toGeoPackageAt path: String) throws -> [(
    table: String, rows: Int
  )] {
    let database = try SQLiteDatabase(path: path, writable: true)
    let columns = try database.query(
      "SELECT table_name, column_name FROM gpkg_geometry_columns ORDER BY table_name")
    let existing = Set(
      try database.query("SELECT name FROM sqlite_master WHERE type = 'table'").compactMap {
        if case .text(let name) = $0.first { return name } else { return nil }
      })
    var indexed: [(table: String, rows: Int)] = []
    try database.execute("BEGIN")
    do {
      for row in columns {
        guard case .text(let table) = row[0], case .text(let column) = row[1],
          !existing.contains("rtree_\(table)_\(column)")
        else { continue }
        let rows = try add(table: table, column: column, in: database)
        indexed.append((table, rows))
      }
      try database.execute("COMMIT")
    } catch {
      try? database.execute("ROLLBACK")
      throw error
    }
    return indexed
  }

  /// Builds the index of `table`'s `column`; returns the number of geometries indexed.
  static func add(table: String, column: String, in database: SQLiteDatabase) throws -> Int {
    let id = try primaryKey(of: table, in: database)
    let index = "rtree_\(table)_\(column)"
    var entries: [PackedRTree.Entry] = []
    try database.forEachRow(
      "SELECT \(quoted(id)), \(quoted(column)) FROM \(quoted(table)) WHERE \(quoted(column)) IS NOT NULL"
    ) { row in
      let rowID = row.integer(0)
      let box = try row.withBlob(1) { try envelope(ofGeometry: $0, table: table, id: rowID) }
      // A box with NaN cannot be placed in the tree; it has no extent to find.
      if let box, ![box.minX, box.maxX, box.minY, box.maxY].contains(where: \.isNaN) {
        entries.append(
          PackedRTree.Entry(
            id: rowID, minX: box.minX, maxX: box.maxX, minY: box.minY, maxY: box.maxY))
      }
    }
    let count = entries.count
    try database.execute(
      "CREATE VIRTUAL TABLE \(quoted(index)) USING rtree(id, minx, maxx, miny, maxy)")
    // SQLite sized the (empty) root node for this file's pages; the tree keeps that size.
    let size = try database.query(
      "SELECT length(data) FROM \(quoted(index + "_node")) WHERE nodeno = 1")
    guard case .integer(let nodeSize) = size.first?.first else {
      throw SQLiteError(operation: "create \(index)", message: "no root node")
    }
    let capacity = min(maximumCells, (Int(nodeSize) - 4) / 24)
    let tree = PackedRTree(entries: entries, capacity: capacity, nodeSize: Int(nodeSize))
    entries = []
    try database.execute(
      "INSERT OR REPLACE INTO \(quoted(index + "_node")) VALUES (?1, ?2)",
      rows: tree.nodes.lazy.map { [.integer($0.number), .blob($0.data)] })
    try database.execute(
      "INSERT INTO \(quoted(index + "_parent")) VALUES (?1, ?2)",
      rows: tree.parentOfNode.lazy.map { [.integer($0.node), .integer($0.parent)] })
    try database.execute(
      "INSERT INTO \(quoted(index + "_rowid")) VALUES (?1, ?2)",
      pairs: { add in
        try tree.forEachRow(add)
      })
    try database.execute(triggers(table: table, column: column, id: id))
    try database.execute(
      """
      CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT, \
      extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL, \
      CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
      INSERT INTO gpkg_extensions VALUES (\(literal(table)), \(literal(column)), \
      'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only');
      """)
    return count
  }

  /// SQLite's `RTREE_MAXCELLS`: the most cells a node holds, whatever its size.
  static let maximumCells = 51

  /// The integer primary key of `table`.
  static func primaryKey(of table: String, in database: SQLiteDatabase) throws -> String {
    for row in try database.query("PRAGMA table_info(\(quoted(table)))") {
      if case .integer(let position) = row[5], position == 1, case .text(let name) = row[1] {
        return name
      }
    }
    throw SQLiteError(operation: "index \(table)", message: "the table has no primary key")
  }

  /// The envelope of a GeoPackage geometry blob: from its header, or for a
  /// point without one from its WKB; `nil` for an empty geometry.
  /// - Throws: `SQLiteError` naming the table and row for a blob that is not a
  ///   GeoPackage geometry.
  static func envelope(ofGeometry blob: UnsafeRawBufferPointer, table: String, id: Int64) throws
    -> (minX: Double, maxX: Double, minY: Double, maxY: Double)?
  {
    func refuse(_ why: String) -> SQLiteError {
      SQLiteError(operation: "index \(table)", message: "row \(id): \(why)")
    }
    guard blob.count >= 8, blob[0] == 0x47, blob[1] == 0x50 else {
      throw refuse("not a GeoPackage geometry")
    }
    let flags = blob[3]
    if flags & 0x10 != 0 { return nil }  // the empty-geometry flag
    let littleEndian = flags & 1 == 1
    let envelopeKind = (flags >> 1) & 7
    let envelopeSize = [0, 32, 48, 48, 64][Int(min(envelopeKind, 4))]
    guard envelopeKind <= 4, blob.count >= 8 + envelopeSize else {
      throw refuse("damaged geometry header")
    }
    if envelopeKind > 0 {
      let values = (0..<4).map { double(in: blob, at: 8 + 8 * $0, littleEndian: littleEndian) }
      return (values[0], values[1], values[2], values[3])
    }
    // No envelope: the standard allows it for points only in practice (GDAL writes one otherwise).
    let wkb = 8
    guard blob.count >= wkb + 21 else { throw refuse("a geometry without an envelope") }
    let wkbLittle = blob[wkb] == 1
    let type = UInt32(littleEndian: blob.loadUnaligned(fromByteOffset: wkb + 1, as: UInt32.self))
    let geometryType = wkbLittle ? type : type.byteSwapped
    guard geometryType % 1000 == 1 else { throw refuse("a geometry without an envelope") }
    let x = double(in: blob, at: wkb + 5, littleEndian: wkbLittle)
    let y = double(in: blob, at: wkb + 13, littleEndian: wkbLittle)
    return x.isNaN || y.isNaN ? nil : (x, x, y, y)
  }

  private static func double(in blob: UnsafeRawBufferPointer, at offset: Int, littleEndian: Bool)
    -> Double
  {
    let bits = blob.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
    return Double(bitPattern: littleEndian ? UInt64(littleEndian: bits) : UInt64(bigEndian: bits))
  }

  /// The triggers of the standard (annex F.3) that keep the index in step with the table.
  static func triggers(table: String, column: String, id: String) -> String {
    let index = quoted("rtree_\(table)_\(column)")
    let (t, c, i) = (quoted(table), quoted(column), quoted(id))
    let values =
      "(NEW.\(i), ST_MinX(NEW.\(c)), ST_MaxX(NEW.\(c)), ST_MinY(NEW.\(c)), ST_MaxY(NEW.\(c)))"
    func name(_ suffix: String) -> String { quoted("rtree_\(table)_\(column)_\(suffix)") }
    return """
      CREATE TRIGGER \(name("insert")) AFTER INSERT ON \(t) \
      WHEN (NEW.\(c) NOT NULL AND NOT ST_IsEmpty(NEW.\(c))) \
      BEGIN INSERT OR REPLACE INTO \(index) VALUES \(values); END;
      CREATE TRIGGER \(name("update1")) AFTER UPDATE OF \(c) ON \(t) \
      WHEN OLD.\(i) = NEW.\(i) AND (NEW.\(c) NOTNULL AND NOT ST_IsEmpty(NEW.\(c))) \
      BEGIN INSERT OR REPLACE INTO \(index) VALUES \(values); END;
      CREATE TRIGGER \(name("update2")) AFTER UPDATE OF \(c) ON \(t) \
      WHEN OLD.\(i) = NEW.\(i) AND (NEW.\(c) ISNULL OR ST_IsEmpty(NEW.\(c))) \
      BEGIN DELETE FROM \(index) WHERE id = OLD.\(i); END;
      CREATE TRIGGER \(name("update3")) AFTER UPDATE ON \(t) \
      WHEN OLD.\(i) != NEW.\(i) AND (NEW.\(c) NOTNULL AND NOT ST_IsEmpty(NEW.\(c))) \
      BEGIN DELETE FROM \(index) WHERE id = OLD.\(i); \
      INSERT OR REPLACE INTO \(index) VALUES \(values); END;
      CREATE TRIGGER \(name("update4")) AFTER UPDATE ON \(t) \
      WHEN OLD.\(i) != NEW.\(i) AND (NEW.\(c) ISNULL OR ST_IsEmpty(NEW.\(c))) \
      BEGIN DELETE FROM \(index) WHERE id IN (OLD.\(i), NEW.\(i)); END;
      CREATE TRIGGER \(name("delete")) AFTER DELETE ON \(t) WHEN OLD.\(c) NOT NULL \
      BEGIN DELETE FROM \(index) WHERE id = OLD.\(i); END;
      """
  }

  /// An SQL identifier in double quotes.
  static func quoted(_ name: String) -> String {
    "\"" + name.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"")
      + "\""
  }

  /// An SQL string literal.
  static func literal(_ text: String) -> String {
    "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
  }
}
