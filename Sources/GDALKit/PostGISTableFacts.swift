internal import CGDAL

/// What `manifest.lock.json` records of a site layer read from a PostGIS table,
/// in place of a file's size and SHA-256: the versions of the server and of
/// PostGIS, the number of rows, and a checksum of the table's content.
///
/// The checksum is the MD5 of the sorted MD5s of the rows' text form (every
/// column, the geometry as hexadecimal EWKB), computed by the server: it
/// changes when any value of any row changes, and not when rows are only
/// stored in another order (after a `VACUUM FULL`, say).
public struct PostGISTableFacts: Sendable, Equatable {
  /// `server_version`, e.g. `15.8 (Debian 15.8-0+deb12u1)`.
  public var serverVersion: String
  /// The installed version of the PostGIS extension, e.g. `3.3.2`.
  public var postGISVersion: String
  /// The table as the layer names it, `schema.table`.
  public var table: String
  /// The number of rows.
  public var rows: Int
  /// 32 lowercase hexadecimal digits (see the type's description).
  public var contentChecksum: String

  /// Asks the server behind `connection` about `layer` (the first table when `nil`).
  /// - Throws: what `VectorDataset(path:)` and `layer(named:)` throw, and
  ///   `GDALError.readFailed` when the server refuses a query.
  public init(connection: String, layer: String?) throws(GDALError) {
    let dataset = try VectorDataset(path: connection)
    let name = layer ?? dataset.layer(at: 0).name
    _ = try dataset.layer(named: name)
    let quoted = try PostGISTable(parsing: name).qualified
    func value(_ query: String) throws(GDALError) -> String {
      let (value, messages) = firstValue(of: query, in: dataset.handle)
      guard let value else {
        throw .readFailed(path: connection, layer: name, detail: messages.summary)
      }
      return value
    }
    serverVersion = try value("SELECT current_setting('server_version')")
    postGISVersion = try value("SELECT extversion FROM pg_extension WHERE extname = 'postgis'")
    self.table = name
    rows = Int(try value("SELECT count(*) FROM \(quoted)")) ?? 0
    contentChecksum = try value(
      "SELECT coalesce(md5(string_agg(h, '' ORDER BY h)), md5('')) FROM"
        + " (SELECT md5(t::text) AS h FROM \(quoted) AS t) AS rows")
  }
}
