/// The `Content-Type` of the files a web map, a tileset or an analysis folder
/// holds, by extension; anything else is `application/octet-stream`.
enum MediaType {
  static let byExtension: [String: String] = [
    "html": "text/html; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "mjs": "text/javascript; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "json": "application/json",
    "geojson": "application/geo+json",
    "md": "text/markdown; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "pbf": "application/vnd.mapbox-vector-tile",
    "mvt": "application/vnd.mapbox-vector-tile",
    "pmtiles": "application/vnd.pmtiles",
    "mbtiles": "application/vnd.sqlite3",
    "gpkg": "application/geopackage+sqlite3",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "woff2": "font/woff2",
    "ttf": "font/ttf",
    "gz": "application/gzip",
  ]

  /// The type of a file named `name`.
  static func of(_ name: String) -> String {
    guard let dot = name.lastIndex(of: ".") else { return "application/octet-stream" }
    return byExtension[name[name.index(after: dot)...].lowercased()] ?? "application/octet-stream"
  }

  /// Whether a file named `name` that starts with gzip's magic bytes is sent
  /// with `Content-Encoding: gzip`, for the browser to inflate: tiles and
  /// JSON, which tile writers compress in place; a `.gz` file is sent as it is.
  static func isCompressedInPlace(_ name: String) -> Bool {
    guard let dot = name.lastIndex(of: ".") else { return false }
    return ["pbf", "mvt", "json", "geojson"].contains(name[name.index(after: dot)...].lowercased())
  }
}
