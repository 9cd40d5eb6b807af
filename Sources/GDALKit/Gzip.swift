import CGDAL

/// gzip (RFC 1952) compression through GDAL's compressor registry
/// (`CPLGetCompressor("gzip")`, zlib underneath), for tiles in PMTiles and MBTiles
/// archives. GDAL is linked anyway, so no separate zlib module is needed.
public enum Gzip {
  /// The gzip stream of `bytes` at `level` (1 fastest .. 9 smallest; 6 is zlib's default).
  /// - Throws: `GDALError.writeFailed` when GDAL has no gzip compressor or it fails.
  public static func compress(_ bytes: [UInt8], level: Int = 6) throws(GDALError) -> [UInt8] {
    try run("gzip", CPLGetCompressor("gzip"), bytes, options: ["LEVEL=\(level)"])
  }

  /// The bytes a gzip stream holds.
  /// - Throws: `GDALError.readFailed` when the stream is not valid gzip.
  public static func decompress(_ bytes: [UInt8]) throws(GDALError) -> [UInt8] {
    try run("gunzip", CPLGetDecompressor("gzip"), bytes, options: [])
  }

  private static func run(
    _ name: String, _ codec: UnsafePointer<CPLCompressor>?, _ bytes: [UInt8], options: [String]
  ) throws(GDALError) -> [UInt8] {
    _ = gdalRegistration
    guard let codec, let function = codec.pointee.pfnFunc else {
      throw GDALError.writeFailed(path: name, detail: "GDAL was built without a gzip codec")
    }
    var list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = nil
    for option in options { list = CSLAddString(list, option) }
    defer { CSLDestroy(list) }
    var output: UnsafeMutableRawPointer? = nil
    var size = 0
    let ok = bytes.withUnsafeBytes { input in
      function(
        input.baseAddress, input.count, &output, &size, list, codec.pointee.user_data)
    }
    defer { VSIFree(output) }
    guard ok, let output else {
      throw name == "gzip"
        ? GDALError.writeFailed(path: name, detail: "compression failed")
        : GDALError.readFailed(path: name, layer: "", detail: "not a valid gzip stream")
    }
    return [UInt8](UnsafeRawBufferPointer(start: output, count: size))
  }
}
