internal import CGDAL

/// gzip (RFC 1952) compression through GDAL's compressor registry
/// (`CPLGetCompressor("gzip")`, zlib underneath), for tiles in PMTiles and MBTiles
/// archives. GDAL is linked anyway, so no separate zlib module is needed.
public enum Gzip {
  /// The gzip stream of `bytes` at `level` (1 fastest .. 9 smallest; 6 is zlib's default).
  /// - Throws: `GDALError.writeFailed` when GDAL has no gzip compressor or it fails.
  public static func compress(_ bytes: [UInt8], level: Int = 6) throws(GDALError) -> [UInt8] {
    _ = gdalRegistration
    guard let codec = CPLGetCompressor("gzip"), let function = codec.pointee.pfnFunc else {
      throw GDALError.writeFailed(path: "gzip", detail: "GDAL was built without a gzip codec")
    }
    var output: UnsafeMutableRawPointer? = nil
    var size = 0
    let ok = withOptionList(["LEVEL=\(level)"]) { options in
      bytes.withUnsafeBytes { input in
        function(input.baseAddress, input.count, &output, &size, options, codec.pointee.user_data)
      }
    }
    defer { VSIFree(output) }
    guard ok, let output else {
      throw GDALError.writeFailed(path: "gzip", detail: "compression failed")
    }
    return [UInt8](UnsafeRawBufferPointer(start: output, count: size))
  }

  /// The bytes a gzip stream holds (GDAL's gzip decompressor writes into a
  /// buffer of ours, grown until the stream fits).
  /// - Throws: `GDALError.readFailed` when the stream is not valid gzip.
  public static func decompress(_ bytes: [UInt8]) throws(GDALError) -> [UInt8] {
    _ = gdalRegistration
    guard let codec = CPLGetDecompressor("gzip"), let function = codec.pointee.pfnFunc else {
      throw GDALError.readFailed(
        path: "gunzip", layer: "", detail: "GDAL was built without a gzip codec")
    }
    var capacity = max(1024, bytes.count * 8)
    while capacity <= 1 << 31 {
      var output = [UInt8](repeating: 0, count: capacity)
      var size = capacity
      let ok = bytes.withUnsafeBytes { input in
        output.withUnsafeMutableBytes { buffer in
          var pointer: UnsafeMutableRawPointer? = buffer.baseAddress
          return function(
            input.baseAddress, input.count, &pointer, &size, nil, codec.pointee.user_data)
        }
      }
      if ok { return Array(output[0..<size]) }
      if size > capacity {
        capacity = size
      } else if size == 0 || size == capacity {
        capacity *= 4
      } else {
        break
      }
    }
    throw GDALError.readFailed(path: "gzip stream", layer: "", detail: "not a valid gzip stream")
  }
}
