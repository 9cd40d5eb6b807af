internal import CGDAL
import Foundation
import GeoCore
import PROJKit

/// The first value of the first row `query` returns in `dataset`, as text
/// (`""` for no row or NULL); `nil`, with GDAL's messages, when the query is refused.
func firstValue(of query: String, in dataset: GDALDatasetH) -> (
  value: String?, messages: GDALMessages
) {
  let (result, messages) = withGDALMessages { GDALDatasetExecuteSQL(dataset, query, nil, nil) }
  guard let result else { return (nil, messages) }
  defer { GDALDatasetReleaseResultSet(dataset, result) }
  guard let row = OGR_L_GetNextFeature(result) else { return ("", messages) }
  defer { OGR_F_Destroy(row) }
  guard OGR_F_IsFieldSetAndNotNull(row, 0) != 0 else { return ("", messages) }
  return (OGR_F_GetFieldAsString(row, 0).map { String(cString: $0) } ?? "", messages)
}

/// One connection opened for writing through GDAL's PostgreSQL driver, with the
/// steps the table and schema writers share: checks of the catalogue, a
/// transaction, statements, new tables, and a close that rolls back unless told
/// otherwise (closing a PostgreSQL dataset would commit, see docs/FINDINGS.md).
///
/// Not `Sendable`; one thread at a time.
final class PostGISSession {
  private(set) var handle: GDALDatasetH?
  /// The connection as given (shown masked).
  let connection: String

  /// Connects in update mode and checks that the database has PostGIS.
  /// - Throws: `GDALError.cannotConnect`, `.noPostGIS`.
  init(connection: String) throws(GDALError) {
    _ = gdalRegistration
    self.connection = connection
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
    handle = opened
    guard VectorDataset.hasPostGIS(opened) else {
      close(rollingBack: false)
      throw .noPostGIS(connection: connection)
    }
  }

  deinit { close(rollingBack: true) }

  /// The connection's current schema (normally `public`).
  var currentSchema: String { value("SELECT current_schema()") ?? "public" }

  /// Whether schema `name` exists.
  func schemaExists(_ name: String) -> Bool {
    value("SELECT count(*) FROM pg_namespace WHERE nspname = \(PostGISTable.literal(name))")
      != "0"
  }

  /// Whether a table (or view, or other relation) `name` exists in `schema`.
  func relationExists(_ name: String, in schema: String) -> Bool {
    value(
      """
      SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = \(PostGISTable.literal(schema)) AND c.relname = \(PostGISTable.literal(name))
      """) != "0"
  }

  /// Begins the transaction everything else runs in.
  /// - Throws: `GDALError.writeFailed` naming `path`.
  func begin(path: @autoclosure () -> String) throws(GDALError) {
    guard let handle, GDALDatasetStartTransaction(handle, 0) == OGRERR_NONE else {
      throw .writeFailed(path: path(), detail: "cannot begin a transaction")
    }
  }

  /// Commits and closes.
  /// - Throws: `GDALError.writeFailed` with PostgreSQL's message; then rolled back.
  func commit(path: @autoclosure () -> String) throws(GDALError) {
    guard let handle else { throw .writeFailed(path: path(), detail: "the connection is closed") }
    let (status, messages) = withGDALMessages { GDALDatasetCommitTransaction(handle) }
    guard status == OGRERR_NONE, messages.errors.isEmpty else {
      close(rollingBack: true)
      throw .writeFailed(path: path(), detail: messages.summary)
    }
    close(rollingBack: false)
  }

  /// Runs one statement.
  /// - Throws: `GDALError.writeFailed` naming `path`, with PostgreSQL's message.
  func execute(_ statement: String, path: @autoclosure () -> String) throws(GDALError) {
    guard let handle else { throw .writeFailed(path: path(), detail: "the connection is closed") }
    let (result, messages) = withGDALMessages { GDALDatasetExecuteSQL(handle, statement, nil, nil) }
    if let result { GDALDatasetReleaseResultSet(handle, result) }
    guard messages.errors.isEmpty else {
      throw .writeFailed(path: path(), detail: messages.summary)
    }
  }

  /// The first value of the first row `query` returns, as text; `nil` for no
  /// row, NULL, an empty text or a refused query.
  func value(_ query: String) -> String? {
    guard let handle, let value = firstValue(of: query, in: handle).value, !value.isEmpty else {
      return nil
    }
    return value
  }

  /// Creates table `schema.name` (`GDALDatasetCreateLayer`): an integer primary
  /// key `idColumn`, the geometry in `geometryColumn` (none for `.none`), and
  /// `fields` with their names as they are; no spatial index yet (see `index`).
  /// - Throws: `GDALError.writeFailed` naming `path`.
  func createTable(
    _ name: String, in schema: String, geometryType: GeometryType, hasZ: Bool, crs: CRS?,
    fields: [Field], idColumn: String, geometryColumn: String, path: @autoclosure () -> String
  ) throws(GDALError) -> OGRLayerH {
    guard let handle else { throw .writeFailed(path: path(), detail: "the connection is closed") }
    let reference = crs.flatMap(SpatialReference.make)
    defer { if let reference { OSRRelease(reference) } }
    let options = [
      "SCHEMA=\(schema)", "GEOMETRY_NAME=\(geometryColumn)", "FID=\(idColumn)",
      "SPATIAL_INDEX=NONE", "LAUNDER=NO", "OVERWRITE=NO",
    ]
    let type = OGRGeometryKind.ogr(geometryType, hasZ: hasZ)
    let (created, messages) = withGDALMessages {
      withOptionList(options) { GDALDatasetCreateLayer(handle, name, reference, type, $0) }
    }
    guard let created else { throw .writeFailed(path: path(), detail: messages.summary) }
    try createOGRFields(fields, in: created, path: path())
    return created
  }

  /// Ends the COPY into `layer` (and creates its table if no row was sent).
  /// - Throws: `GDALError.writeFailed` naming `path`.
  func finish(_ layer: OGRLayerH, path: @autoclosure () -> String) throws(GDALError) {
    let (status, messages) = withGDALMessages { OGR_L_SyncToDisk(layer) }
    guard status == OGRERR_NONE, messages.errors.isEmpty else {
      throw .writeFailed(path: path(), detail: messages.summary)
    }
  }

  /// Closes the connection, rolling back first unless `rollingBack` is false.
  func close(rollingBack: Bool) {
    guard let handle else { return }
    if rollingBack { _ = withGDALMessages { GDALDatasetRollbackTransaction(handle) } }
    _ = withGDALMessages { GDALClose(handle) }
    self.handle = nil
  }

  /// `base`, or `base_1`, `base_2`, ... when one of `names` (lower case) has it.
  static func unusedName(_ base: String, among names: Set<String>) -> String {
    var candidate = base
    var number = 0
    while names.contains(candidate.lowercased()) {
      number += 1
      candidate = "\(base)_\(number)"
    }
    return candidate
  }

  /// `name` + `suffix`, `name` shortened so that the whole keeps within 63 bytes.
  static func derivedName(_ name: String, _ suffix: String) -> String {
    var head = name
    while head.utf8.count + suffix.utf8.count > PostGISTable.longestName { head.removeLast() }
    return head + suffix
  }

  /// A fresh name for a staging table or schema.
  static func stagingName() -> String {
    "territory_staging_" + UUID().uuidString.prefix(8).lowercased()
  }
}
