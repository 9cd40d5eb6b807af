import Foundation

/// What the headers of a Shapefile's parts say about its record count: GDAL
/// reads the records the .shp and .shx hold and says nothing when the .dbf
/// header announces another number (1,012, or 2³¹ − 1, for 12 records), which
/// means the file was cut or edited by hand.
///
/// Only the 32-byte .dbf header and the .shx file size are read: constant time
/// and memory, whatever the header claims.
enum ShapefileHeaders {
  /// A warning when the .dbf header's record count differs from the records
  /// of the .shp (its .shx index: 8 bytes per record after a 100-byte header);
  /// `nil` when they agree or a part is missing.
  static func warning(path: String, layer: String) -> String? {
    let base = (path as NSString).deletingPathExtension
    guard (path as NSString).pathExtension.lowercased() == "shp",
      let dbf = part(base, "dbf"), let shx = part(base, "shx"),
      let announced = dbfRecordCount(dbf),
      let size = (try? FileManager.default.attributesOfItem(atPath: shx))?[.size] as? Int,
      size >= 100
    else { return nil }
    let held = (size - 100) / 8
    guard announced != held else { return nil }
    return
      "\(path): the .dbf header of layer '\(layer)' announces \(announced) records but the .shp holds \(held); "
      + "the file was cut or edited by hand; \(min(announced, held)) records are read"
  }

  /// The path of the part with `ext` in either case, when it exists.
  private static func part(_ base: String, _ ext: String) -> String? {
    [ext, ext.uppercased()].map { base + "." + $0 }.first {
      FileManager.default.fileExists(atPath: $0)
    }
  }

  /// The record count of a .dbf header (bytes 4 to 7, little-endian).
  private static func dbfRecordCount(_ path: String) -> Int? {
    guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
    defer { try? handle.close() }
    guard let header = try? handle.read(upToCount: 8), header.count == 8 else { return nil }
    return header[4..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
  }
}

extension VectorLayer {
  /// What the file says about itself that does not add up (a Shapefile whose
  /// .dbf header announces another record count than its .shp holds), one line
  /// each; GDAL reads such files without a word.
  public var integrityWarnings: [String] {
    guard dataset.driverName == "ESRI Shapefile" else { return [] }
    return ShapefileHeaders.warning(path: path, layer: name).map { [$0] } ?? []
  }
}
