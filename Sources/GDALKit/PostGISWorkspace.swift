internal import CGDAL
import Foundation
import GEOSKit
import GeoCore
import PROJKit

/// A connection for computing inside PostgreSQL: one transaction, opened at
/// once and always rolled back at the end, in which a job creates its working
/// tables, runs its statements and reads their results. Nothing it creates
/// outlives it: not on success, not on failure, not when the client dies (the
/// server rolls back the transaction of a lost connection).
///
/// Working tables are ordinary tables (PostgreSQL never scans temporary
/// tables with parallel workers), named with `prefix`, in the connection's
/// current schema or in `schema`.
///
/// Not `Sendable`; one thread at a time.
public final class PostGISWorkspace {
  private let session: PostGISSession
  /// The schema of the working tables.
  public let schema: String
  /// The start of every working table's name (`territory_work_xxxxxxxx_`).
  public let prefix = "territory_work_" + UUID().uuidString.prefix(8).lowercased() + "_"

  /// Connects, checks PostGIS and begins the transaction.
  /// - Parameters:
  ///   - connection: a `PG:` connection (see `PostgreSQLConnection`).
  ///   - schema: where working tables go (the current schema by default).
  /// - Throws: `GDALError.cannotConnect`, `.noPostGIS`, `.writeFailed`.
  public init(connection: String, schema: String? = nil) throws(GDALError) {
    session = try PostGISSession(connection: connection)
    self.schema = schema ?? session.currentSchema
    try session.begin(path: connection)
  }

  deinit { session.close(rollingBack: true) }

  /// The connection, masked when shown.
  public var connection: String { session.connection }

  /// `schema.name` of working table `suffix`, quoted.
  public func table(_ suffix: String) -> String {
    "\(PostGISTable.quoted(schema)).\(PostGISTable.quoted(prefix + suffix))"
  }

  /// Runs statements (a `SET LOCAL`, a `CREATE TABLE … AS`).
  /// - Throws: `GDALError.writeFailed` naming the connection, with PostgreSQL's message.
  public func execute(_ statement: String) throws(GDALError) {
    try session.execute(statement, path: connection)
  }

  /// The first value of the first row of `query`, as text; `nil` for no row or NULL.
  public func value(_ query: String) -> String? { session.value(query) }

  /// Every row of `query`, each value typed after its column (float8 as
  /// `.real`, read back to the last bit: PostgreSQL prints the shortest exact
  /// decimal form); `body` receives one row at a time.
  /// - Throws: `GDALError.readFailed` with PostgreSQL's message.
  public func forEachRow(_ query: String, _ body: ([FieldValue]) throws -> Void) throws {
    guard let handle = session.handle else {
      throw GDALError.readFailed(
        path: connection, layer: "query", detail: "the connection is closed")
    }
    let (result, messages) = withGDALMessages { GDALDatasetExecuteSQL(handle, query, nil, nil) }
    guard let result, messages.errors.isEmpty else {
      if let result { GDALDatasetReleaseResultSet(handle, result) }
      throw GDALError.readFailed(path: connection, layer: "query", detail: messages.summary)
    }
    defer { GDALDatasetReleaseResultSet(handle, result) }
    let definition = OGR_L_GetLayerDefn(result)
    let types = (0..<OGR_FD_GetFieldCount(definition)).map {
      FieldKind.type(of: OGR_FD_GetFieldDefn(definition, $0))
    }
    while true {
      let (row, rowMessages) = withGDALMessages { OGR_L_GetNextFeature(result) }
      guard let row else {
        if !rowMessages.errors.isEmpty {
          throw GDALError.readFailed(path: connection, layer: "query", detail: rowMessages.summary)
        }
        return
      }
      defer { OGR_F_Destroy(row) }
      let values = types.enumerated().map { index, type in
        FieldKind.value(of: row, at: Int32(index), type: type) ?? .null
      }
      try body(values)
    }
  }

  /// Creates working table `suffix` (primary key `fid`, geometry `geom` in
  /// `crs`, `fields`) and fills it by `COPY` with `features`, whose attributes
  /// follow `fields`; then indexes the geometry and analyses the table.
  /// - Returns: the table's quoted `schema.name`.
  /// - Throws: `GDALError.writeFailed` with PostgreSQL's message.
  public func upload(
    _ suffix: String, fields: [Field], crs: CRS, features: some Sequence<Feature>
  ) throws(GDALError) -> String {
    let layer = try session.createTable(
      prefix + suffix, in: schema, geometryType: .unknown, hasZ: false, crs: crs,
      fields: fields, idColumn: "fid", geometryColumn: "geom", path: connection)
    for feature in features {
      try createOGRFeature(EncodedFeature(feature, path: connection), in: layer, path: connection)
    }
    try session.finish(layer, path: connection)
    let name = table(suffix)
    try execute("CREATE INDEX ON \(name) USING GIST (geom)")
    try execute("ANALYZE \(name)")
    return name
  }

  /// Whether `table` exists (in the current schema when it names none).
  public func exists(_ table: PostGISTable) -> Bool {
    session.relationExists(table.name, in: table.schema ?? session.currentSchema)
  }

  /// Keeps the result of `query` as the new table `table`, and commits: the
  /// only thing the workspace leaves behind. In the same transaction the rows
  /// go into a staging table (`CREATE TABLE … AS`, which runs with parallel
  /// workers), get the primary key `fid` and a GiST index on `geom`, every
  /// working table is dropped, the table `table` replaces (with `.overwrite`)
  /// is dropped, the staging table takes its name, gets `comment` and fresh
  /// statistics. A failure at any step rolls everything back. The workspace is
  /// closed afterwards.
  /// - Parameter query: a `SELECT` whose columns include `fid` (unique) and `geom`.
  /// - Throws: `GDALError.tableExists` (with `.refuse`), `.writeFailed` with
  ///   PostgreSQL's message (a refused privilege, a lost connection).
  public func publish(
    _ query: String, as table: PostGISTable, policy: ExistingOutputPolicy, comment: String?
  ) throws(GDALError) {
    let schema = table.schema ?? session.currentSchema
    let resolved = PostGISTable(schema: schema, name: table.name)
    let path = "\(connection) table \(resolved)"
    let replacing = exists(resolved)
    if replacing && policy == .refuse {
      throw .tableExists(connection: connection, table: resolved.description)
    }
    do {
      if !session.schemaExists(schema) {
        try execute("CREATE SCHEMA \(PostGISTable.quoted(schema))")
      }
      let staging = PostGISTable(schema: schema, name: PostGISSession.stagingName())
      try execute("CREATE TABLE \(staging.qualified) AS \(query)")
      if let working = session.value(
        """
        SELECT string_agg(format('%I.%I', n.nspname, c.relname), ', ')
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname = \(PostGISTable.literal(self.schema))
          AND left(c.relname, \(prefix.utf8.count)) = \(PostGISTable.literal(prefix))
        """)
      {
        try execute("DROP TABLE \(working)")
      }
      if replacing { try execute("DROP TABLE \(resolved.qualified)") }
      try execute(
        "ALTER TABLE \(staging.qualified) RENAME TO \(PostGISTable.quoted(table.name))")
      let key = PostGISTable.quoted(PostGISSession.derivedName(table.name, "_pkey"))
      try execute("ALTER TABLE \(resolved.qualified) ADD CONSTRAINT \(key) PRIMARY KEY (fid)")
      try execute("CREATE INDEX ON \(resolved.qualified) USING GIST (geom)")
      if let comment {
        try execute("COMMENT ON TABLE \(resolved.qualified) IS \(PostGISTable.literal(comment))")
      }
      try execute("ANALYZE \(resolved.qualified)")
      try session.commit(path: path)
    } catch {
      session.close(rollingBack: true)
      throw error
    }
  }

  /// Rolls back everything the workspace did and closes the connection.
  public func close() { session.close(rollingBack: true) }
}
