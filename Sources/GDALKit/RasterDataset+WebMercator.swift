internal import CGDAL
import Foundation
import GeoCore
import PROJKit

/// What raster tiles need from GDAL: a warp onto a Web Mercator grid, a
/// hillshade, the band's range and colour table, and PNG encoding.
extension RasterDataset {
  /// Wraps a dataset GDAL produced (in its memory file system).
  convenience init(producedAt path: String, handle: GDALDatasetH) {
    self.init(handle: handle, path: path)
    memoryFile = path
  }

  /// Band `band` warped onto a Web Mercator (EPSG:3857) grid of `width` x `height`
  /// pixels covering `bounds` (metres), as 32-bit floats with NaN where the source
  /// has no data or does not reach (`GDALWarp`, all cores).
  /// - Parameters:
  ///   - resampling: GDAL's name (`bilinear` for measures, `near` for classes).
  ///   - sourceCRS: the CRS to assume when the raster declares none.
  /// - Throws: `GDALError.rasterAccess` with GDAL's message.
  public func warpedToWebMercator(
    band: Int, bounds: Envelope, width: Int, height: Int, resampling: String, sourceCRS: CRS?
  ) throws(GDALError) -> [Float] {
    try warped(
      band: band, to: "EPSG:3857", bounds: bounds, width: width, height: height,
      resampling: resampling, sourceCRS: sourceCRS)
  }

  /// Band `band` warped onto a grid of `width` x `height` pixels covering
  /// `bounds` in `crs`, as 32-bit floats with NaN where the source has no data
  /// or does not reach (`GDALWarp`, all cores).
  /// - Throws: `GDALError.rasterAccess` with GDAL's message.
  public func warped(
    band: Int, to crs: CRS, bounds: Envelope, width: Int, height: Int, resampling: String,
    sourceCRS: CRS?
  ) throws(GDALError) -> [Float] {
    try warped(
      band: band, to: crs.wkt, bounds: bounds, width: width, height: height,
      resampling: resampling, sourceCRS: sourceCRS)
  }

  private func warped(
    band: Int, to target: String, bounds: Envelope, width: Int, height: Int, resampling: String,
    sourceCRS: CRS?
  ) throws(GDALError) -> [Float] {
    var arguments = [
      "-of", "MEM", "-t_srs", target, "-te", "\(bounds.minX)", "\(bounds.minY)",
      "\(bounds.maxX)", "\(bounds.maxY)", "-ts", "\(width)", "\(height)", "-r", resampling,
      "-ot", "Float32", "-dstnodata", "nan", "-wo", "NUM_THREADS=ALL_CPUS", "-q",
    ]
    if let sourceCRS { arguments += ["-s_srs", sourceCRS.wkt] }
    let (warped, messages) = withGDALMessages { () -> GDALDatasetH? in
      guard let options = withOptionList(arguments, { GDALWarpAppOptionsNew($0, nil) }) else {
        return nil
      }
      defer { GDALWarpAppOptionsFree(options) }
      var sources: [GDALDatasetH?] = [handle]
      var usageError: Int32 = 0
      return sources.withUnsafeMutableBufferPointer { buffer in
        GDALWarp("", nil, 1, buffer.baseAddress, options, &usageError)
      }
    }
    guard let warped else {
      throw .rasterAccess(path: path, detail: "warp failed: \(messages.summary)")
    }
    let result = RasterDataset(handle: warped, path: path)
    return try result.readFloats(
      band: band, window: RasterWindow(column: 0, row: 0, width: width, height: height))
  }

  /// The hillshade of band 1 (`GDALDEMProcessing`, Horn's method, light from the
  /// north-west at 45°, edges computed), as a new raster whose nodata is 0.
  /// Heights in metres over degrees are scaled (111,120 m per degree).
  /// - Throws: `GDALError.rasterAccess` with GDAL's message.
  public func hillshade(zFactor: Double = 1, crs assumed: CRS? = nil) throws(GDALError)
    -> RasterDataset
  {
    let target = "/vsimem/territory-hillshade-\(UUID().uuidString).tif"
    var arguments = ["-of", "GTiff", "-compute_edges", "-z", "\(zFactor)", "-q"]
    if (assumed ?? crs)?.isGeographic == true { arguments += ["-s", "111120"] }
    let (shaded, messages) = withGDALMessages { () -> GDALDatasetH? in
      guard let options = withOptionList(arguments, { GDALDEMProcessingOptionsNew($0, nil) })
      else { return nil }
      defer { GDALDEMProcessingOptionsFree(options) }
      var usageError: Int32 = 0
      return GDALDEMProcessing(target, handle, "hillshade", nil, options, &usageError)
    }
    guard let shaded else {
      throw .rasterAccess(path: path, detail: "hillshade failed: \(messages.summary)")
    }
    if let assumed { GDALSetProjection(shaded, assumed.wkt) }
    return RasterDataset(producedAt: target, handle: shaded)
  }

  /// The smallest and largest value of band `band`, exact (`GDALComputeRasterMinMax`).
  /// - Throws: `GDALError.rasterAccess` when the band is empty or unreadable.
  public func range(band index: Int) throws(GDALError) -> ClosedRange<Double> {
    let band = try band(index)
    var values = [0.0, 0.0]
    let (status, messages) = withGDALMessages {
      values.withUnsafeMutableBufferPointer { GDALComputeRasterMinMax(band, 0, $0.baseAddress) }
    }
    _ = status
    guard values[0].isFinite, values[1].isFinite, values[0] <= values[1] else {
      throw .rasterAccess(
        path: path, detail: "band \(index) has no valid value (\(messages.summary))")
    }
    return values[0]...values[1]
  }

  /// The band's colour table as RGBA entries, or `nil` when it has none.
  public func colourTable(band index: Int) throws(GDALError) -> [SIMD4<UInt8>]? {
    guard let table = GDALGetRasterColorTable(try band(index)) else { return nil }
    return (0..<GDALGetColorEntryCount(table)).map { entry in
      let colour = GDALGetColorEntry(table, entry)!.pointee
      return SIMD4(
        UInt8(clamping: colour.c1), UInt8(clamping: colour.c2), UInt8(clamping: colour.c3),
        UInt8(clamping: colour.c4))
    }
  }

}

/// PNG encoding of RGBA pixels through GDAL's PNG driver, in memory.
public enum PNGEncoder {
  /// The PNG file of `pixels`, interleaved with `bands` bytes per pixel (1 grey,
  /// 2 grey and alpha, 3 RGB, 4 RGBA), rows from the top.
  /// - Throws: `GDALError.writeFailed` with GDAL's message.
  public static func encode(
    pixels: [UInt8], bands: Int, width: Int, height: Int, compression: Int = 6
  ) throws(GDALError) -> [UInt8] {
    _ = gdalRegistration
    precondition(
      (1...4).contains(bands) && pixels.count == width * height * bands, "bands per pixel")
    let name = "/vsimem/territory-\(UUID().uuidString).png"
    let (bytes, messages) = withGDALMessages { () -> [UInt8]? in
      guard let memory = GDALGetDriverByName("MEM"), let png = GDALGetDriverByName("PNG"),
        let source = GDALCreate(
          memory, "", Int32(width), Int32(height), Int32(bands), GDT_Byte, nil)
      else { return nil }
      defer { GDALClose(source) }
      if bands == 2 || bands == 4 {
        GDALSetRasterColorInterpretation(GDALGetRasterBand(source, Int32(bands)), GCI_AlphaBand)
      }
      var pixels = pixels
      let status = pixels.withUnsafeMutableBytes { buffer in
        GDALDatasetRasterIO(
          source, GF_Write, 0, 0, Int32(width), Int32(height), buffer.baseAddress, Int32(width),
          Int32(height), GDT_Byte, Int32(bands), nil, Int32(bands), Int32(width * bands), 1)
      }
      guard status == CE_None else { return nil }
      guard
        let written = withOptionList(
          ["ZLEVEL=\(compression)"], { GDALCreateCopy(png, name, source, 0, $0, nil, nil) })
      else { return nil }
      GDALClose(written)
      var length: vsi_l_offset = 0
      guard let data = VSIGetMemFileBuffer(name, &length, 1) else { return nil }
      defer { VSIFree(data) }
      return [UInt8](UnsafeBufferPointer(start: data, count: Int(length)))
    }
    VSIUnlink(name)
    guard let bytes else { throw .writeFailed(path: "PNG tile", detail: messages.summary) }
    return bytes
  }
}
