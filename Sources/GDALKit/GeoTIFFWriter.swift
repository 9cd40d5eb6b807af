internal import CGDAL
import GeoCore
import PROJKit

/// The pixel type of a raster being created.
public enum RasterDataType: Sendable {
  /// Unsigned 8-bit integers.
  case byte
  /// Signed 16-bit integers.
  case int16
  /// Unsigned 16-bit integers.
  case uint16
  /// Signed 32-bit integers.
  case int32
  /// Unsigned 32-bit integers.
  case uint32
  /// 32-bit floating point.
  case float32
  /// 64-bit floating point.
  case float64

  var gdal: GDALDataType {
    switch self {
    case .byte: return GDT_Byte
    case .int16: return GDT_Int16
    case .uint16: return GDT_UInt16
    case .int32: return GDT_Int32
    case .uint32: return GDT_UInt32
    case .float32: return GDT_Float32
    case .float64: return GDT_Float64
    }
  }
}

/// Writes a tiled, DEFLATE-compressed GeoTIFF, atomically: nothing appears at
/// the target path until `commit()` succeeds.
///
/// Not `Sendable`; write from one thread.
public final class GeoTIFFWriter {
  private var handle: GDALDatasetH?
  private let output: StagedOutput
  /// The number of columns.
  public let width: Int
  /// The number of rows.
  public let height: Int

  /// Creates the GeoTIFF (`GDALCreate` with the `GTiff` driver) in a staging place.
  /// - Parameters:
  ///   - path: the final path.
  ///   - width: columns; `height`: rows; `bandCount`: bands.
  ///   - dataType: the pixel type.
  ///   - geoTransform: GDAL's six numbers (see `RasterDataset.geoTransform`).
  ///   - crs: the CRS of the coordinates.
  ///   - noData: the nodata value written to every band, if any.
  ///   - sparse: leave the blocks never written out of the file (GDAL's
  ///     `SPARSE_OK`), so that a huge, mostly empty raster stays small.
  ///   - policy: whether an existing file may be replaced.
  /// - Throws: `OutputError` for an existing output or missing folder,
  ///   `GDALError.writeFailed` with GDAL's message.
  public init(
    path: String, width: Int, height: Int, bandCount: Int = 1, dataType: RasterDataType,
    geoTransform: [Double], crs: CRS, noData: Double? = nil, sparse: Bool = false,
    policy: ExistingOutputPolicy
  ) throws {
    _ = gdalRegistration
    output = try StagedOutput(path: path, policy: policy)
    self.width = width
    self.height = height
    let stagingPath = output.stagingPath.path
    let (created, messages) = withGDALMessages {
      withOptionList(
        ["TILED=YES", "COMPRESS=DEFLATE", "BIGTIFF=IF_SAFER"] + (sparse ? ["SPARSE_OK=TRUE"] : [])
      ) { options in
        GDALCreate(
          GDALGetDriverByName("GTiff"), stagingPath, Int32(width), Int32(height),
          Int32(bandCount), dataType.gdal, options)
      }
    }
    guard let created else { throw GDALError.writeFailed(path: path, detail: messages.summary) }
    handle = created
    var transform = geoTransform
    GDALSetGeoTransform(created, &transform)
    if let reference = SpatialReference.make(crs) {
      GDALSetSpatialRef(created, reference)
      OSRRelease(reference)
    }
    if let noData {
      for index in 1...bandCount {
        GDALSetRasterNoDataValue(GDALGetRasterBand(created, Int32(index)), noData)
      }
    }
  }

  deinit { if let handle { GDALClose(handle) } }

  /// Writes `values` (row by row, `window.width * window.height` of them) into
  /// `window` of band `band` (1-based), converting to the file's pixel type.
  /// - Throws: `GDALError.writeFailed` with GDAL's message.
  public func write(band: Int, window: RasterWindow, values: [Double]) throws(GDALError) {
    precondition(values.count == window.width * window.height, "values must fill the window")
    guard let handle, let bandHandle = GDALGetRasterBand(handle, Int32(band)) else {
      throw .writeFailed(path: output.target.path, detail: "band \(band) does not exist")
    }
    var copy = values
    let (status, messages) = withGDALMessages {
      copy.withUnsafeMutableBytes { buffer in
        GDALRasterIO(
          bandHandle, GF_Write, Int32(window.column), Int32(window.row), Int32(window.width),
          Int32(window.height), buffer.baseAddress, Int32(window.width), Int32(window.height),
          GDT_Float64, 0, 0)
      }
    }
    guard status == CE_None else {
      throw .writeFailed(path: output.target.path, detail: messages.summary)
    }
  }

  /// Flushes and closes the file, then moves it to its final path.
  /// - Throws: `GDALError.writeFailed` or `OutputError`; nothing is left behind on failure.
  public func commit() throws {
    guard let handle else { return }
    self.handle = nil
    let (_, messages) = withGDALMessages { GDALClose(handle) }
    guard messages.errors.isEmpty else {
      output.discard()
      throw GDALError.writeFailed(path: output.target.path, detail: messages.summary)
    }
    try output.commit()
  }
}
