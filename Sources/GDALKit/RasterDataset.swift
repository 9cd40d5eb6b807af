internal import CGDAL
import Foundation
import GeoCore
import PROJKit

/// A rectangle of pixels: `width` x `height` pixels from column `column`, row `row`.
public struct RasterWindow: Sendable, Hashable {
  /// The first column (0 = left edge).
  public var column: Int
  /// The first row (0 = top edge).
  public var row: Int
  /// The number of columns.
  public var width: Int
  /// The number of rows.
  public var height: Int

  /// Creates a window.
  public init(column: Int, row: Int, width: Int, height: Int) {
    self.column = column
    self.row = row
    self.width = width
    self.height = height
  }
}

/// A raster dataset opened for reading (GeoTIFF and every raster format GDAL reads).
///
/// Not `Sendable`: open one per thread. Closed when released.
public final class RasterDataset {
  let handle: GDALDatasetH
  /// A file in GDAL's memory file system to delete with the dataset (a processed copy).
  var memoryFile: String?
  /// The path it was opened from.
  public let path: String
  /// GDAL's short name of the driver (`GTiff`, ...).
  public let driverName: String

  /// Opens `path` for reading (`GDALOpenEx` with `GDAL_OF_RASTER | GDAL_OF_READONLY`).
  /// - Throws: `GDALError.fileNotFound`, `.notRaster` for vector data, `.cannotOpen`
  ///   with GDAL's message otherwise.
  public init(path: String) throws(GDALError) {
    _ = gdalRegistration
    guard FileManager.default.fileExists(atPath: path) else { throw .fileNotFound(path: path) }
    let flags = UInt32(GDAL_OF_RASTER | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR)
    let (opened, messages) = withGDALMessages { GDALOpenEx(path, flags, nil, nil, nil) }
    guard let opened else {
      let (vector, _) = withGDALMessages {
        GDALOpenEx(path, UInt32(GDAL_OF_VECTOR | GDAL_OF_READONLY), nil, nil, nil)
      }
      if let vector {
        GDALClose(vector)
        throw .notRaster(path: path)
      }
      throw .cannotOpen(path: path, detail: messages.summary)
    }
    handle = opened
    self.path = path
    driverName =
      GDALGetDriverShortName(GDALGetDatasetDriver(opened)).map { String(cString: $0) } ?? "?"
  }

  /// Takes ownership of an open dataset.
  init(handle: GDALDatasetH, path: String) {
    self.handle = handle
    self.path = path
    driverName =
      GDALGetDriverShortName(GDALGetDatasetDriver(handle)).map { String(cString: $0) } ?? "?"
  }

  deinit {
    GDALClose(handle)
    if let memoryFile { VSIUnlink(memoryFile) }
  }

  /// Whether GDAL opens `path` as a raster and not as vector data (quietly): a
  /// GeoTIFF yes, a GeoPackage of vector layers no.
  public static func opensAsRasterOnly(_ path: String) -> Bool {
    guard isRaster(path) else { return false }
    let (vector, _) = withGDALMessages {
      GDALOpenEx(path, UInt32(GDAL_OF_VECTOR | GDAL_OF_READONLY), nil, nil, nil)
    }
    guard let vector else { return true }
    let layers = GDALDatasetGetLayerCount(vector)
    GDALClose(vector)
    return layers == 0
  }

  /// Whether GDAL opens `path` as a raster (quietly; used to explain errors).
  static func isRaster(_ path: String) -> Bool {
    // PostGIS rasters are not read; a connection is never a raster here.
    guard !PostgreSQLConnection.isConnection(path) else { return false }
    let (opened, _) = withGDALMessages {
      GDALOpenEx(path, UInt32(GDAL_OF_RASTER | GDAL_OF_READONLY), nil, nil, nil)
    }
    guard let opened else { return false }
    GDALClose(opened)
    return true
  }

  /// The number of columns.
  public var width: Int { Int(GDALGetRasterXSize(handle)) }
  /// The number of rows.
  public var height: Int { Int(GDALGetRasterYSize(handle)) }
  /// The number of bands.
  public var bandCount: Int { Int(GDALGetRasterCount(handle)) }

  /// The affine transform from pixel (column, row) to CRS coordinates, GDAL's
  /// six numbers (`GDALGetGeoTransform`): x = t0 + column·t1 + row·t2,
  /// y = t3 + column·t4 + row·t5. `nil` when the raster is not georeferenced.
  public var geoTransform: [Double]? {
    var transform = [Double](repeating: 0, count: 6)
    return GDALGetGeoTransform(handle, &transform) == CE_None ? transform : nil
  }

  /// The pixel size in CRS units (width, height), both positive.
  public var pixelSize: (x: Double, y: Double)? {
    guard let t = geoTransform else { return nil }
    return ((t[1] * t[1] + t[4] * t[4]).squareRoot(), (t[2] * t[2] + t[5] * t[5]).squareRoot())
  }

  /// The extent of the raster's four corners in its CRS.
  public var extent: Envelope? {
    guard let t = geoTransform else { return nil }
    let corners = [
      (0.0, 0.0), (Double(width), 0), (0, Double(height)), (Double(width), Double(height)),
    ]
    let xs = corners.map { t[0] + $0.0 * t[1] + $0.1 * t[2] }
    let ys = corners.map { t[3] + $0.0 * t[4] + $0.1 * t[5] }
    return Envelope(minX: xs.min()!, minY: ys.min()!, maxX: xs.max()!, maxY: ys.max()!)
  }

  /// The raster's CRS (`GDALGetSpatialRef`), or `nil` when none is declared.
  public var crs: CRS? { SpatialReference.crs(from: GDALGetSpatialRef(handle)) }

  func band(_ index: Int) throws(GDALError) -> GDALRasterBandH {
    guard index >= 1, index <= bandCount, let band = GDALGetRasterBand(handle, Int32(index)) else {
      throw .rasterAccess(
        path: path, detail: "band \(index) does not exist (bands are 1 to \(bandCount))")
    }
    return band
  }

  /// GDAL's name of the data type of band `index` (1-based): `Byte`, `Int16`, `Float32`, ...
  public func dataTypeName(band index: Int) throws(GDALError) -> String {
    GDALGetDataTypeName(GDALGetRasterDataType(try band(index))).map { String(cString: $0) } ?? "?"
  }

  /// The nodata value of band `index` (1-based), or `nil` when none is declared.
  public func noDataValue(band index: Int) throws(GDALError) -> Double? {
    var hasValue: Int32 = 0
    let value = GDALGetRasterNoDataValue(try band(index), &hasValue)
    return hasValue != 0 ? value : nil
  }

  /// The pixels of `window` in band `index` (1-based), row by row, as `Double`s
  /// (`GDALRasterIO`).
  /// - Throws: `GDALError.rasterAccess` when the band or window is outside the raster.
  public func read(band index: Int, window: RasterWindow) throws(GDALError) -> [Double] {
    try read(band: index, window: window, as: Double.self, GDT_Float64)
  }

  /// The pixels of `window` in band `index` (1-based), row by row, as `Float`s.
  /// - Throws: `GDALError.rasterAccess` when the band or window is outside the raster.
  public func readFloats(band index: Int, window: RasterWindow) throws(GDALError) -> [Float] {
    try read(band: index, window: window, as: Float.self, GDT_Float32)
  }

  private func read<T: Numeric>(
    band index: Int, window: RasterWindow, as _: T.Type, _ type: GDALDataType
  ) throws(GDALError) -> [T] {
    let band = try band(index)
    guard window.column >= 0, window.row >= 0, window.width > 0, window.height > 0,
      window.column + window.width <= width, window.row + window.height <= height
    else {
      throw .rasterAccess(
        path: path,
        detail:
          "window \(window.width)x\(window.height) at (\(window.column), \(window.row)) is outside the \(width)x\(height) raster"
      )
    }
    var values = [T](repeating: 0, count: window.width * window.height)
    let (status, messages) = withGDALMessages {
      values.withUnsafeMutableBytes { buffer in
        GDALRasterIO(
          band, GF_Read, Int32(window.column), Int32(window.row), Int32(window.width),
          Int32(window.height), buffer.baseAddress, Int32(window.width), Int32(window.height),
          type, 0, 0)
      }
    }
    guard status == CE_None else { throw .rasterAccess(path: path, detail: messages.summary) }
    return values
  }
}

extension RasterDataset {
  /// Whether the part of band `index` inside `box` (in the raster's CRS) may hold
  /// data: `false` only when GDAL knows it holds none (the blocks a sparse
  /// GeoTIFF never wrote, `GDALGetDataCoverageStatus`), so that tiling a mostly
  /// empty raster skips its empty areas without reading them. Formats that cannot
  /// tell answer `true`.
  public func mayHoldData(band index: Int, in box: Envelope) throws(GDALError) -> Bool {
    guard let t = geoTransform, t[2] == 0, t[4] == 0, t[1] != 0, t[5] != 0 else { return true }
    let columns = [(box.minX - t[0]) / t[1], (box.maxX - t[0]) / t[1]]
    let rows = [(box.minY - t[3]) / t[5], (box.maxY - t[3]) / t[5]]
    let x0 = max(0, Int(columns.min()!.rounded(.down)))
    let x1 = min(width, Int(columns.max()!.rounded(.up)))
    let y0 = max(0, Int(rows.min()!.rounded(.down)))
    let y1 = min(height, Int(rows.max()!.rounded(.up)))
    guard x1 > x0, y1 > y0 else { return false }
    let status = GDALGetDataCoverageStatus(
      try band(index), Int32(x0), Int32(y0), Int32(x1 - x0), Int32(y1 - y0), 0, nil)
    return status != Int32(GDAL_DATA_COVERAGE_STATUS_EMPTY)
  }
}

extension RasterDataset {
  /// Lowers GDAL's raster block cache, shared by every dataset of the process, to
  /// at most `bytes` (`GDALSetCacheMax64`), unless the user chose its size with
  /// `GDAL_CACHEMAX` (environment or configuration option): GDAL's default is 5%
  /// of the machine's memory, 1.2 GB on a 24 GiB machine, all of it filled by a
  /// run that reads a whole country's raster once.
  public static func limitBlockCache(toBytes bytes: Int) {
    _ = gdalRegistration
    guard CPLGetConfigOption("GDAL_CACHEMAX", nil) == nil else { return }
    if GDALGetCacheMax64() > Int64(bytes) { GDALSetCacheMax64(Int64(bytes)) }
  }

  /// The most bytes GDAL's raster block cache holds now (`GDALGetCacheMax64`).
  public static var blockCacheBytes: Int {
    _ = gdalRegistration
    return Int(GDALGetCacheMax64())
  }
}
