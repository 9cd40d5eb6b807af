/// A failure while reading or writing data through GDAL. Each case names the
/// file (and layer, field or feature) and says what to do; GDAL's own message,
/// when there is one, is carried in `detail`.
public enum GDALError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The path does not exist.
  case fileNotFound(path: String)
  /// GDAL has no driver that reads the file, or the file is corrupt or truncated.
  case cannotOpen(path: String, detail: String)
  /// A raster was given where vector data is expected.
  case notVector(path: String)
  /// Vector data was given where a raster is expected.
  case notRaster(path: String)
  /// The dataset has no layer of that name.
  case layerNotFound(path: String, layer: String, available: [String])
  /// The dataset has no layers at all.
  case noLayers(path: String)
  /// A layer declares no CRS and none was assumed.
  case missingCRS(path: String, layer: String)
  /// A layer that must hold polygons declares another geometry type.
  case notPolygons(path: String, layer: String, type: String)
  /// A layer has no field of that name.
  case fieldNotFound(path: String, layer: String, field: String, available: [String])
  /// A layer holds no features where some are needed.
  case emptyLayer(path: String, layer: String)
  /// Reading a layer failed part-way.
  case readFailed(path: String, layer: String, detail: String)
  /// A layer yielded fewer features than it announced (a damaged or mismatched file).
  case featureCountMismatch(path: String, layer: String, announced: Int, read: Int)
  /// A feature's geometry has NaN or infinite coordinates.
  case nonFiniteCoordinates(path: String, layer: String, feature: Int64)
  /// A feature's geometry could not be decoded (GDAL gave a null geometry with a warning).
  case unreadableGeometry(path: String, layer: String, feature: Int64, detail: String)
  /// A text attribute is not valid UTF-8.
  case invalidText(path: String, layer: String, field: String, feature: Int64)
  /// The output extension names no format TerritoryKit writes.
  case unsupportedOutputFormat(path: String, supported: [String])
  /// The output format holds one layer but several were to be written.
  case singleLayerFormat(path: String, format: String, layers: [String])
  /// Writing failed.
  case writeFailed(path: String, detail: String)
  /// A raster window lies outside the raster, or a band does not exist.
  case rasterAccess(path: String, detail: String)
  /// The PostgreSQL server cannot be reached or refuses the connection.
  case cannotConnect(connection: String, detail: String)
  /// The database has no PostGIS extension.
  case noPostGIS(connection: String)
  /// The table to write exists and replacing it was not allowed.
  case tableExists(connection: String, table: String)
  /// The schema to write exists and replacing it was not allowed.
  case schemaExists(connection: String, schema: String)
  /// A table name that PostgreSQL cannot hold as given.
  case invalidTableName(name: String, reason: String)

  /// One line naming the file and what to do; a password in a connection
  /// string is shown as `***`.
  public var description: String { PostgreSQLConnection.masked(unmasked) }

  private var unmasked: String {
    switch self {
    case .fileNotFound(let path):
      return "\(path) does not exist; check the path"
    case .cannotOpen(let path, let detail):
      return
        "cannot open \(path): not a format GDAL reads, or the file is corrupt or truncated (GDAL: \(detail))"
    case .notVector(let path):
      return
        "\(path) is a raster, but vector data is expected here; give a vector file (GeoPackage, Shapefile, GeoJSON, ...)"
    case .notRaster(let path):
      return
        "\(path) is vector data, but a raster is expected here; give a raster file (GeoTIFF, ...)"
    case .layerNotFound(let path, let layer, let available)
    where PostgreSQLConnection.isConnection(path):
      return
        "\(path) has no table '\(layer)' with a geometry column; its tables are: \(available.joined(separator: ", "))"
    case .layerNotFound(let path, let layer, let available):
      return
        "\(path) has no layer '\(layer)'; its layers are: \(available.joined(separator: ", "))"
    case .noLayers(let path) where PostgreSQLConnection.isConnection(path):
      return "\(path) holds no table with a geometry column; load a layer into it first"
    case .noLayers(let path):
      return "\(path) holds no vector layer; it may be damaged or empty"
    case .missingCRS(let path, let layer):
      return
        "layer '\(layer)' of \(path) declares no CRS; say which CRS it is in, for example EPSG:4326"
    case .notPolygons(let path, let layer, let type):
      return "layer '\(layer)' of \(path) holds \(type) geometries; polygons are needed here"
    case .fieldNotFound(let path, let layer, let field, let available):
      return
        "layer '\(layer)' of \(path) has no field '\(field)'; its fields are: \(available.isEmpty ? "none" : available.joined(separator: ", "))"
    case .emptyLayer(let path, let layer):
      return "layer '\(layer)' of \(path) has no features; nothing to do"
    case .readFailed(let path, let layer, let detail):
      return "reading layer '\(layer)' of \(path) failed (GDAL: \(detail)); the file may be damaged"
    case .featureCountMismatch(let path, let layer, let announced, let read):
      return
        "layer '\(layer)' of \(path) announces \(announced) features but only \(read) could be read; the file is damaged or its parts disagree (e.g. .shp and .dbf)"
    case .nonFiniteCoordinates(let path, let layer, let feature):
      return
        "feature \(feature) of layer '\(layer)' in \(path) has NaN or infinite coordinates; fix or remove that feature"
    case .unreadableGeometry(let path, let layer, let feature, let detail):
      return
        "the geometry of feature \(feature) of layer '\(layer)' in \(path) cannot be read (GDAL: \(detail)); fix or remove that feature"
    case .invalidText(let path, let layer, let field, let feature):
      return
        "field '\(field)' of feature \(feature) in layer '\(layer)' of \(path) is not valid UTF-8 text; re-save the file as UTF-8"
    case .unsupportedOutputFormat(let path, let supported):
      return
        "cannot tell the output format of \(path) from its extension; use one of \(supported.joined(separator: ", "))"
    case .singleLayerFormat(let path, let format, let layers):
      return
        "\(path): \(format) holds one layer but the input has \(layers.count) (\(layers.joined(separator: ", "))); pick one layer, or write a .gpkg"
    case .writeFailed(let path, let detail):
      return "writing \(path) failed (GDAL: \(detail))"
    case .rasterAccess(let path, let detail):
      return "cannot read \(path): \(detail)"
    case .cannotConnect(let connection, let detail):
      return
        "cannot connect to \(connection) (PostgreSQL: \(detail)); check that the server runs, the host, port and database, and the credentials (pg_service.conf, ~/.pgpass or the PG* variables)"
    case .noPostGIS(let connection):
      return
        "the database of \(connection) has no PostGIS extension; enable it with CREATE EXTENSION postgis; (as the database's owner), or name a database that has it"
    case .tableExists(let connection, let table):
      return
        "table \(table) already exists in \(connection); add --overwrite to replace it (in one transaction), or name another table"
    case .schemaExists(let connection, let schema):
      return
        "schema \(schema) already exists in \(connection); add --overwrite to replace it and every table in it (in one transaction), or name another with --schema"
    case .invalidTableName(let name, let reason):
      return "cannot use '\(name)' as a table name: \(reason); write it as schema.table"
    }
  }
}
