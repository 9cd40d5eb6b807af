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
  private var handle: GDALDatasetH?
  private var layer: OGRLayerH?
  private let connection: String
  /// The table written, its schema resolved.
  public let table: PostGISTable
  private let replacing: Bool
  private let stagingName: String
  private var idColumn = "fid"
  private var geometryName = "geom"

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
    _ = gdalRegistration
    let flags = UInt32(GDAL_OF_VECTOR | GDAL_OF_UPDATE | GDAL_OF_VERBOSE_ERROR)
    let (opened, messages) = withGDALMessages {
      withOptionList(["PostgreSQL"]) {
        GDALOpenEx(PostgreSQLConnection.forOpening(connection), flags, constOptions($0), nil, nil)
      }
    }
    guard let opened else {
      throw .cannotConnect(
        connection: connection, detail: PostgreSQLConnection.failureReason(messages.summary))
    }
    // Every stored property is set before anything can throw, so that `deinit`
    // rolls back and closes on every path.
    handle = opened
    self.connection = connection
    stagingName = "territory_staging_" + UUID().uuidString.prefix(8).lowercased()
    var resolved = table
    var exists = false
    var schemaExists = true
    var failure: GDALError?
    if !VectorDataset.hasPostGIS(opened) {
      failure = .noPostGIS(connection: connection)
    } else {
      resolved.schema = table.schema ?? Self.value(opened, "SELECT current_schema()") ?? "public"
      let schema = PostGISTable.literal(resolved.schema ?? "public")
      schemaExists =
        Self.value(opened, "SELECT count(*) FROM pg_namespace WHERE nspname = \(schema)") != "0"
      exists =
        Self.value(
          opened,
          """
          SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = \(schema) AND c.relname = \(PostGISTable.literal(table.name))
          """) != "0"
      if exists && policy == .refuse {
        failure = .tableExists(connection: connection, table: resolved.description)
      }
    }
    self.table = resolved
    replacing = exists
    if let failure { throw failure }
    guard GDALDatasetStartTransaction(opened, 0) == OGRERR_NONE else {
      throw .writeFailed(path: path, detail: "cannot begin a transaction")
    }
    if !schemaExists {
      try execute("CREATE SCHEMA \(PostGISTable.quoted(resolved.schema ?? "public"))")
    }
  }

  deinit { close(rollingBack: true) }

  /// The connection (password masked when shown) and the table.
  public var path: String { "\(connection) table \(table)" }

  /// One table takes one layer.
  public var holdsManyLayers: Bool { false }

  /// Creates the staging table with `fields`; `name` is the input layer's and
  /// is not used (the table's name is `table`).
  /// - Throws: `GDALError.singleLayerFormat` for a second layer, `.writeFailed`.
  public func addLayer(
    name: String, geometryType: GeometryType, hasZ: Bool, crs: CRS?, fields: [Field]
  ) throws(GDALError) -> Int {
    guard let handle else { throw .writeFailed(path: path, detail: "the writer is closed") }
    guard layer == nil else {
      throw .singleLayerFormat(path: path, format: "a table", layers: [table.name, name])
    }
    let names = Set(fields.map { $0.name.lowercased() })
    idColumn = Self.unusedName("fid", among: names)
    let reference = crs.flatMap(SpatialReference.make)
    defer { if let reference { OSRRelease(reference) } }
    geometryName = Self.unusedName("geom", among: names.union([idColumn]))
    let options = [
      "SCHEMA=\(table.schema ?? "public")", "GEOMETRY_NAME=\(geometryName)",
      "FID=\(idColumn)", "SPATIAL_INDEX=NONE", "LAUNDER=NO", "OVERWRITE=NO",
    ]
    let type = OGRGeometryKind.ogr(geometryType, hasZ: hasZ)
    let (created, messages) = withGDALMessages {
      withOptionList(options) { GDALDatasetCreateLayer(handle, stagingName, reference, type, $0) }
    }
    guard let created else { throw .writeFailed(path: path, detail: messages.summary) }
    try createOGRFields(fields, in: created, path: path)
    layer = created
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
    guard let handle, let layer else { return }
    let schema = PostGISTable.quoted(table.schema ?? "public")
    let target = "\(schema).\(PostGISTable.quoted(table.name))"
    do {
      // Ends the COPY and creates the table if no row was sent.
      let (status, messages) = withGDALMessages { OGR_L_SyncToDisk(layer) }
      guard status == OGRERR_NONE, messages.errors.isEmpty else {
        throw GDALError.writeFailed(path: path, detail: messages.summary)
      }
      if replacing { try execute("DROP TABLE \(target)") }
      try execute(
        "ALTER TABLE \(schema).\(PostGISTable.quoted(stagingName)) RENAME TO \(PostGISTable.quoted(table.name))"
      )
      try renameKeyAndSequence(of: target)
      try execute("CREATE INDEX ON \(target) USING GIST (\(PostGISTable.quoted(geometryName)))")
      try execute("ANALYZE \(target)")
      let (committed, commitMessages) = withGDALMessages { GDALDatasetCommitTransaction(handle) }
      guard committed == OGRERR_NONE, commitMessages.errors.isEmpty else {
        throw GDALError.writeFailed(path: path, detail: commitMessages.summary)
      }
      close(rollingBack: false)
    } catch {
      close(rollingBack: true)
      throw error
    }
  }

  /// Rolls the transaction back: the database is left as it was.
  public func discard() { close(rollingBack: true) }

  /// The primary key and its sequence were named after the staging table;
  /// they take the target's name, as if the table had been created so.
  private func renameKeyAndSequence(of target: String) throws(GDALError) {
    guard let handle else { return }
    let regclass = PostGISTable.literal(target)
    if let key = Self.value(
      handle,
      "SELECT conname FROM pg_constraint WHERE conrelid = \(regclass)::regclass AND contype = 'p'")
    {
      try execute(
        "ALTER TABLE \(target) RENAME CONSTRAINT \(PostGISTable.quoted(key)) TO \(PostGISTable.quoted(Self.derivedName(table.name, "_pkey")))"
      )
    }
    if let sequence = Self.value(
      handle,
      "SELECT pg_get_serial_sequence(\(regclass), \(PostGISTable.literal(idColumn)))"),
      !sequence.isEmpty
    {
      // pg_get_serial_sequence gives the name already quoted where needed.
      try execute(
        "ALTER SEQUENCE \(sequence) RENAME TO \(PostGISTable.quoted(Self.derivedName(table.name, "_\(idColumn)_seq")))"
      )
    }
  }

  private func execute(_ statement: String) throws(GDALError) {
    guard let handle else { throw .writeFailed(path: path, detail: "the writer is closed") }
    let (result, messages) = withGDALMessages { GDALDatasetExecuteSQL(handle, statement, nil, nil) }
    if let result { GDALDatasetReleaseResultSet(handle, result) }
    guard messages.errors.isEmpty else {
      throw .writeFailed(path: path, detail: messages.summary)
    }
  }

  private func close(rollingBack: Bool) {
    guard let handle else { return }
    // Closing a PostgreSQL dataset commits an open transaction: roll back first.
    if rollingBack { _ = withGDALMessages { GDALDatasetRollbackTransaction(handle) } }
    _ = withGDALMessages { GDALClose(handle) }
    self.handle = nil
    layer = nil
  }

  /// The first value of the first row `query` returns, as text.
  private static func value(_ dataset: GDALDatasetH, _ query: String) -> String? {
    let (result, _) = withGDALMessages { GDALDatasetExecuteSQL(dataset, query, nil, nil) }
    guard let result else { return nil }
    defer { GDALDatasetReleaseResultSet(dataset, result) }
    guard let row = OGR_L_GetNextFeature(result) else { return nil }
    defer { OGR_F_Destroy(row) }
    guard OGR_F_IsFieldSetAndNotNull(row, 0) != 0 else { return nil }
    return OGR_F_GetFieldAsString(row, 0).map { String(cString: $0) }
  }

  /// `base`, or `base_1`, `base_2`, ... when a field already has that name.
  private static func unusedName(_ base: String, among names: Set<String>) -> String {
    var candidate = base
    var number = 0
    while names.contains(candidate.lowercased()) {
      number += 1
      candidate = "\(base)_\(number)"
    }
    return candidate
  }

  /// `name` + `suffix`, `name` shortened so that the whole keeps within 63 bytes.
  private static func derivedName(_ name: String, _ suffix: String) -> String {
    var head = name
    while head.utf8.count + suffix.utf8.count > PostGISTable.longestName { head.removeLast() }
    return head + suffix
  }
}
