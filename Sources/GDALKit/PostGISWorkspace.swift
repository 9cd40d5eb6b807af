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

  /// Rolls back everything the workspace did and closes the connection.
  public func close() { session.close(rollingBack: true) }
}
