internal import CGDAL
import Foundation
import GEOSKit
import GeoCore
import PROJKit

/// Writes several layers as the tables of one PostGIS schema, swapped in whole:
/// every table is built by `COPY` in a staging schema, in one transaction, and
/// `commit()` indexes and analyses them, drops the schema it replaces and
/// renames the staging schema, then commits. Readers see the previous schema,
/// complete, until that moment; a failure keeps it as it was.
///
/// Each table gets an integer primary key `fid` and, when it has geometries, a
/// GiST index on `geom`. The schema is the writer's own: with `.replace`, the
/// old one is dropped with everything in it (`DROP SCHEMA … CASCADE`), views a
/// user added there included.
///
/// Not `Sendable`; write from one thread.
public final class PostGISSchemaWriter {
  private let session: PostGISSession
  /// The schema written.
  public let schema: String
  private let replacing: Bool
  private let staging = PostGISSession.stagingName()
  private var layers: [(handle: OGRLayerH, name: String, geometry: String?)] = []

  /// Connects, checks the target schema and begins the transaction with the
  /// staging schema.
  /// - Parameters:
  ///   - connection: a `PG:` connection (see `PostgreSQLConnection`).
  ///   - schema: the schema to write (at most 63 bytes).
  ///   - policy: whether an existing schema may be replaced.
  /// - Throws: `GDALError.invalidTableName`, `.cannotConnect`, `.noPostGIS`,
  ///   `.schemaExists`, `.writeFailed` with PostgreSQL's message (a role that
  ///   may not create schemas among them).
  public init(connection: String, schema: String, policy: ExistingOutputPolicy)
    throws(GDALError)
  {
    try PostGISTable.check(schema, of: schema)
    let session = try PostGISSession(connection: connection)
    let exists = session.schemaExists(schema)
    if exists && policy == .refuse {
      throw .schemaExists(connection: connection, schema: schema)
    }
    self.session = session
    self.schema = schema
    replacing = exists
    try session.begin(path: path)
    try session.execute("CREATE SCHEMA \(PostGISTable.quoted(staging))", path: path)
  }

  /// The connection (password masked when shown) and the schema.
  public var path: String { "\(session.connection) schema \(schema)" }

  /// Adds table `name` and returns its index for `write(_:toLayer:)`.
  /// - Throws: `GDALError.invalidTableName`, `.writeFailed`.
  public func addLayer(
    name: String, geometryType: GeometryType, hasZ: Bool = false, crs: CRS?, fields: [Field]
  ) throws(GDALError) -> Int {
    try PostGISTable.check(name, of: name)
    let names = Set(fields.map { $0.name.lowercased() })
    let id = PostGISSession.unusedName("fid", among: names)
    let geometry = PostGISSession.unusedName("geom", among: names.union([id]))
    let handle = try session.createTable(
      name, in: staging, geometryType: geometryType, hasZ: hasZ, crs: crs, fields: fields,
      idColumn: id, geometryColumn: geometry, path: path)
    layers.append((handle, name, geometryType == .none ? nil : geometry))
    return layers.count - 1
  }

  /// Writes one feature to table `index`.
  /// - Throws: `GDALError.writeFailed` with PostgreSQL's message.
  public func write(_ feature: Feature, toLayer index: Int) throws(GDALError) {
    try createOGRFeature(EncodedFeature(feature, path: path), in: layers[index].handle, path: path)
  }

  /// Indexes and analyses every table, swaps the staging schema in and commits;
  /// on failure everything is rolled back.
  /// - Throws: `GDALError.writeFailed` with PostgreSQL's message.
  public func commit() throws {
    let quotedStaging = PostGISTable.quoted(staging)
    do {
      for layer in layers {
        try session.finish(layer.handle, path: path)
        let table = "\(quotedStaging).\(PostGISTable.quoted(layer.name))"
        if let geometry = layer.geometry {
          try session.execute(
            "CREATE INDEX ON \(table) USING GIST (\(PostGISTable.quoted(geometry)))", path: path)
        }
        try session.execute("ANALYZE \(table)", path: path)
      }
      if replacing {
        try session.execute("DROP SCHEMA \(PostGISTable.quoted(schema)) CASCADE", path: path)
      }
      try session.execute(
        "ALTER SCHEMA \(quotedStaging) RENAME TO \(PostGISTable.quoted(schema))", path: path)
      try session.commit(path: path)
    } catch {
      session.close(rollingBack: true)
      throw error
    }
    layers = []
  }

  /// Rolls the transaction back: the database is left as it was.
  public func discard() {
    session.close(rollingBack: true)
    layers = []
  }
}
