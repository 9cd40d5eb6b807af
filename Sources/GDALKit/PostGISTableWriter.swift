internal import CGDAL
import Foundation
import GEOSKit
import GeoCore
import PROJKit

/// Writes one layer to a new PostGIS table through GDAL's PostgreSQL driver, in
/// one transaction: the rows go by `COPY` into a staging table beside the
/// target, and `commit()` then drops the table it replaces, renames the staging
/// table, indexes it and runs `ANALYZE`, all before `COMMIT`. Readers see the
/// old table until that moment (they are not blocked during the load), and a
/// failure at any step (a refused privilege, a lost connection) leaves the
/// database exactly as it was.
///
/// The table gets an integer primary key `fid` and a GiST index on `geom`
/// (other names when the layer has fields called so); field names are kept as
/// they are, quoted, never folded to lower case.
///
/// Not `Sendable`; write from one thread.
public final class PostGISTableWriter {
  private let session: PostGISSession
  private var layer: OGRLayerH?
  /// The table written, its schema resolved.
  public let table: PostGISTable
  private let replacing: Bool
  private let stagingName = PostGISSession.stagingName()
  private var idColumn = "fid"
  private var geometryColumn: String?
  /// Set as the table's comment at `commit()` (where QGIS and `\\d+` show it):
  /// the metadata a file output would carry beside it, such as the mass balance.
  public var comment: String?

  /// Connects (`GDALOpenEx` in update mode), checks the target and begins the
  /// transaction; the schema is created, in that transaction, when it does not exist.
  /// - Parameters:
  ///   - connection: a `PG:` connection (see `PostgreSQLConnection`).
  ///   - table: the table to write; in the connection's current schema when it names none.
  ///   - policy: whether an existing table may be replaced.
  /// - Throws: `GDALError.cannotConnect`, `.noPostGIS`, `.tableExists`, and
  ///   `.writeFailed` with PostgreSQL's message.
  public init(connection: String, table: PostGISTable, policy: ExistingOutputPolicy)
    throws(GDALError)
  {
    let session = try PostGISSession(connection: connection)
    var resolved = table
    let schema = table.schema ?? session.currentSchema
    resolved.schema = schema
    let exists = session.relationExists(table.name, in: schema)
    if exists && policy == .refuse {
      throw .tableExists(connection: connection, table: resolved.description)
    }
    self.session = session
    self.table = resolved
    replacing = exists
    try session.begin(path: path)
    if !session.schemaExists(schema) {
      try session.execute("CREATE SCHEMA \(PostGISTable.quoted(schema))", path: path)
    }
  }

  /// The connection (password masked when shown) and the table.
  public var path: String { "\(session.connection) table \(table)" }

  private var schema: String { table.schema ?? "public" }

  /// Creates the staging table with `fields`; `name` is the input layer's and
  /// is not used (the table's name is `table`).
  /// - Throws: `GDALError.singleLayerFormat` for a second layer, `.writeFailed`.
  public func addLayer(
    name: String, geometryType: GeometryType, hasZ: Bool, crs: CRS?, fields: [Field]
  ) throws(GDALError) -> Int {
    guard layer == nil else {
      throw .singleLayerFormat(path: path, format: "a table", layers: [table.name, name])
    }
    let names = Set(fields.map { $0.name.lowercased() })
    idColumn = PostGISSession.unusedName("fid", among: names)
    let geometry = PostGISSession.unusedName("geom", among: names.union([idColumn]))
    layer = try session.createTable(
      stagingName, in: schema, geometryType: geometryType, hasZ: hasZ, crs: crs, fields: fields,
      idColumn: idColumn, geometryColumn: geometry, path: path)
    geometryColumn = geometryType == .none ? nil : geometry
    return 0
  }

  /// Sends one feature to the staging table (by `COPY`).
  /// - Throws: `GDALError.writeFailed` with PostgreSQL's message (a lost connection among them).
  public func write(_ feature: Feature, toLayer index: Int) throws(GDALError) {
    try write(EncodedFeature(feature, path: path), toLayer: index)
  }

  /// Sends one encoded feature (from the writing thread of a copy).
  func write(_ feature: EncodedFeature, toLayer index: Int) throws(GDALError) {
    guard let layer else { throw .writeFailed(path: path, detail: "no layer was added") }
    try createOGRFeature(feature, in: layer, path: path)
  }

  /// Replaces the old table (if any) by the staging table, indexes and analyses
  /// it, and commits. On failure the transaction is rolled back.
  /// - Throws: `GDALError.writeFailed` with PostgreSQL's message.
  public func commit() throws {
    guard let layer else { return }
    let quotedSchema = PostGISTable.quoted(schema)
    let target = table.qualified
    do {
      try session.finish(layer, path: path)
      if replacing { try session.execute("DROP TABLE \(target)", path: path) }
      try session.execute(
        "ALTER TABLE \(quotedSchema).\(PostGISTable.quoted(stagingName))"
          + " RENAME TO \(PostGISTable.quoted(table.name))", path: path)
      try renameKeyAndSequence(of: target)
      if let geometryColumn {
        try session.execute(
          "CREATE INDEX ON \(target) USING GIST (\(PostGISTable.quoted(geometryColumn)))",
          path: path)
      }
      if let comment {
        try session.execute(
          "COMMENT ON TABLE \(target) IS \(PostGISTable.literal(comment))", path: path)
      }
      try session.execute("ANALYZE \(target)", path: path)
      try session.commit(path: path)
    } catch {
      session.close(rollingBack: true)
      throw error
    }
    self.layer = nil
  }

  /// Rolls the transaction back: the database is left as it was.
  public func discard() {
    session.close(rollingBack: true)
    layer = nil
  }

  /// The primary key and its sequence were named after the staging table;
  /// they take the target's name, as if the table had been created so.
  private func renameKeyAndSequence(of target: String) throws(GDALError) {
    let regclass = PostGISTable.literal(target)
    if let key = session.value(
      "SELECT conname FROM pg_constraint WHERE conrelid = \(regclass)::regclass AND contype = 'p'")
    {
      let name = PostGISSession.derivedName(table.name, "_pkey")
      try session.execute(
        "ALTER TABLE \(target) RENAME CONSTRAINT \(PostGISTable.quoted(key))"
          + " TO \(PostGISTable.quoted(name))", path: path)
    }
    if let sequence = session.value(
      "SELECT pg_get_serial_sequence(\(regclass), \(PostGISTable.literal(idColumn)))"),
      !sequence.isEmpty
    {
      // pg_get_serial_sequence gives the name already quoted where needed.
      let name = PostGISSession.derivedName(table.name, "_\(idColumn)_seq")
      try session.execute(
        "ALTER SEQUENCE \(sequence) RENAME TO \(PostGISTable.quoted(name))", path: path)
    }
  }
}
