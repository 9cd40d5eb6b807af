internal import CGDAL
import Foundation
import GeoCore

/// A vector dataset opened for reading: any format GDAL reads (GeoPackage,
/// Shapefile, GeoJSON, FlatGeobuf, CSV, KML, GML, OSM PBF, ...).
///
/// Not `Sendable`: GDAL datasets must not be used from two threads at once;
/// open one per thread. The dataset is closed when the last reference (including
/// its layers') goes away.
public final class VectorDataset {
  let handle: GDALDatasetH
  /// The path it was opened from.
  public let path: String
  /// GDAL's short name of the driver (`GPKG`, `ESRI Shapefile`, `GeoJSON`, ...).
  public let driverName: String

  /// Opens `path` for reading (`GDALOpenEx` with `GDAL_OF_VECTOR | GDAL_OF_READONLY`):
  /// a file, or a PostgreSQL connection (`PG:…`, see `PostgreSQLConnection`)
  /// whose tables are the layers.
  /// - Throws: `GDALError.fileNotFound`, `.cannotConnect` and `.noPostGIS` for a
  ///   database, `.notVector` for a raster,
  ///   `.cannotOpen` with GDAL's message for unreadable or corrupt files, and
  ///   `.noLayers` for a dataset that opens with no layer (a damaged header).
  public init(path: String) throws(GDALError) {
    _ = gdalRegistration
    let isDatabase = PostgreSQLConnection.isConnection(path)
    guard isDatabase || FileManager.default.fileExists(atPath: path) || path.hasPrefix("/vsi")
    else {
      throw .fileNotFound(path: path)
    }
    let flags = UInt32(GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR)
    // A CSV's geometry column (WKT, or X/Y) is the geometry, not an attribute
    // too: kept, a table read back from our own CSV was 2.3 times larger.
    let openOptions =
      (path as NSString).pathExtension.lowercased() == "csv" ? ["KEEP_GEOM_COLUMNS=NO"] : []
    let (opened, messages) = withGDALMessages {
      withOptionList(openOptions) {
        GDALOpenEx(PostgreSQLConnection.forOpening(path), flags, nil, constOptions($0), nil)
      }
    }
    guard let opened else {
      if isDatabase {
        throw .cannotConnect(
          connection: path, detail: PostgreSQLConnection.failureReason(messages.summary))
      }
      if RasterDataset.isRaster(path) { throw .notVector(path: path) }
      throw .cannotOpen(path: path, detail: messages.summary)
    }
    // Checked before any stored property is set: once they all are, a throw
    // runs `deinit`, which would close the dataset a second time.
    if isDatabase, !Self.hasPostGIS(opened) {
      GDALClose(opened)
      throw .noPostGIS(connection: path)
    }
    guard GDALDatasetGetLayerCount(opened) > 0 else {
      GDALClose(opened)
      if RasterDataset.isRaster(path) { throw .notVector(path: path) }
      throw .noLayers(path: path)
    }
    handle = opened
    self.path = path
    driverName =
      GDALGetDriverShortName(GDALGetDatasetDriver(opened)).map { String(cString: $0) } ?? "?"
  }

  deinit { GDALClose(handle) }

  /// Whether the PostgreSQL database behind `dataset` has the PostGIS extension.
  /// Asked of the catalogue rather than guessed from the layers: without
  /// PostGIS, GDAL still lists tables, with no geometry.
  static func hasPostGIS(_ dataset: GDALDatasetH) -> Bool {
    let count = firstValue(
      of: "SELECT count(*) FROM pg_extension WHERE extname = 'postgis'", in: dataset
    ).value
    return (count.flatMap { Int($0) } ?? 0) > 0
  }

  /// The number of layers.
  public var layerCount: Int { Int(GDALDatasetGetLayerCount(handle)) }

  /// The names of the layers, in order.
  public var layerNames: [String] {
    (0..<layerCount).map { index in
      OGR_L_GetName(GDALDatasetGetLayer(handle, Int32(index))).map { String(cString: $0) } ?? ""
    }
  }

  /// The layer at `index` (0-based).
  public func layer(at index: Int) -> VectorLayer {
    VectorLayer(dataset: self, handle: GDALDatasetGetLayer(handle, Int32(index))!)
  }

  /// The layer called `name`.
  /// - Throws: `GDALError.layerNotFound` listing the layers that exist.
  public func layer(named name: String) throws(GDALError) -> VectorLayer {
    guard let index = layerNames.firstIndex(of: name) else {
      throw .layerNotFound(path: path, layer: name, available: layerNames)
    }
    return layer(at: index)
  }

  /// Every layer, in order.
  public var layers: [VectorLayer] { (0..<layerCount).map(layer(at:)) }
}
