import Foundation

/// The web map of an analysis (`web/`): a static MapLibre GL JS page that works
/// offline from any static host, with one vector tileset holding a layer per
/// scale (`tiles/z/x/y.pbf`, uncompressed, so that a host that neither answers
/// range requests nor sets `Content-Encoding` serves it as it is), a shaded
/// relief (`hillshade/z/x/y.png`) when the site has an elevation model, and
/// `site.json`: titles, scales, indicators with the classes, colours and legend
/// labels of the print maps in every language of the site, and the scale
/// report's figures.
enum WebMapExport {
  /// Where MapLibre GL JS is looked for: `$TERRITORY_MAPLIBRE` when set, else
  /// the folder `Scripts/setup` fills.
  static var mapLibreFolders: [String] {
    [
      ProcessInfo.processInfo.environment["TERRITORY_MAPLIBRE"]
        ?? "/usr/local/share/territory/maplibre-gl-5.3.0"
    ]
  }

  /// The folder holding `maplibre-gl.js` and `maplibre-gl.css`, if any.
  static func mapLibre() -> URL? {
    mapLibreFolders.map { URL(fileURLWithPath: $0) }.first { folder in
      ["maplibre-gl.js", "maplibre-gl.css"].allSatisfy {
        FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path)
      }
    }
  }

  /// Writes the web map of `content` (an analysis folder's) into the folder
  /// `web`, which must exist and be empty.
  /// - Parameter threads: threads that cut and encode tiles.
  /// - Returns: the files written, relative to `web` (tiles counted as their
  ///   two folders).
  /// - Throws: `WebMapError`, and errors of the tilers.
  static func write(
    _ content: WebMapContent, into web: URL, threads: Int = ParallelChunks.defaultThreads,
    progress: (String) -> Void
  ) throws -> [String] {
    guard let mapLibre = mapLibre() else {
      throw WebMapError.mapLibreMissing(looked: mapLibreFolders)
    }
    guard let page = Bundle.module.url(forResource: "Web", withExtension: nil) else {
      throw WebMapError.pageMissing
    }
    var files: [String] = []
    for name in ["index.html", "territory.js", "territory.css"] {
      try FileManager.default.copyItem(
        at: page.appendingPathComponent(name), to: web.appendingPathComponent(name))
      files.append(name)
    }
    for name in ["maplibre-gl.js", "maplibre-gl.css"] {
      try FileManager.default.copyItem(
        at: mapLibre.appendingPathComponent(name), to: web.appendingPathComponent(name))
      files.append(name)
    }
    let fit = fittingZoom(content.bounds)
    var options = VectorTileOptions()
    options.minZoom = max(0, fit - 2)
    // Two zooms past the fit: the page overzooms beyond (a 100 m square is
    // already 10 pixels wide at zoom 14), and tiles cost time and space.
    options.maxZoom = min(16, fit + 2)
    options.threads = max(1, threads)
    progress(
      "web map: vector tiles of \(content.scales.count) scales, zooms \(options.minZoom)-\(options.maxZoom)"
    )
    let gpkg = content.folder.appendingPathComponent("analysis.gpkg").path
    _ = try VectorTileJob.run(
      inputs: content.scales.map { VectorTileJob.Input(path: gpkg, layer: $0.name, name: $0.name) },
      output: web.appendingPathComponent("tiles").path, options: options, fields: .all,
      assumedCRS: nil, guessMaxZoom: false, policy: .refuse)
    files.append("tiles/")
    var relief: WebSiteDescription.Relief?
    if let dem = content.relief {
      progress("web map: shaded relief of \(dem.key), zooms \(options.minZoom)-\(options.maxZoom)")
      _ = try RasterTileJob.run(
        input: dem.path, output: web.appendingPathComponent("hillshade").path,
        minZoom: options.minZoom, maxZoom: options.maxZoom, style: .hillshade,
        assumedCRS: try dem.crs.map { try CRS($0) }, policy: .refuse, threads: options.threads)
      relief = WebSiteDescription.Relief(maxZoom: options.maxZoom)
      files.append("hillshade/")
    }
    let description = try WebSiteDescription.make(
      content, zooms: (options.minZoom, options.maxZoom), hillshade: relief,
      tileIndex: tiles(in: web, folders: ["tiles", "hillshade"]))
    try description.write(to: web.appendingPathComponent("site.json"))
    files.append("site.json")
    return files
  }

  /// The tiles under `folders` of `web`, as `folder/z/x/y.ext`, sorted.
  static func tiles(in web: URL, folders: [String]) -> [String] {
    var found: [String] = []
    for folder in folders {
      let top = web.appendingPathComponent(folder)
      guard let walker = FileManager.default.enumerator(atPath: top.path) else { continue }
      for case let path as String in walker
      where path.hasSuffix(".pbf") || path.hasSuffix(".png") {
        found.append(folder + "/" + path)
      }
    }
    return found.sorted()
  }

  /// The zoom at which `bounds` fills about a 1,024-pixel screen.
  static func fittingZoom(_ bounds: [Double]) -> Int {
    let width = max(1e-6, bounds[2] - bounds[0])
    let height = max(1e-6, bounds[3] - bounds[1])
    let zoom = log2(min(360 / width, 170 / height) * 1_024 / 256)
    return max(0, min(14, Int(zoom.rounded(.down))))
  }
}
