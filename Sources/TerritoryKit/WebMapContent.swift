import Foundation

/// What a web map shows, read back from an analysis folder, so that `analyze`
/// and `territory web` make the same site from the same files: the scales and
/// their indicators' values from `analysis.gpkg` (the values the maps were
/// classed on, to the bit), the labels in every language from `report.json`,
/// and the elevation model for the shaded relief from `manifest.lock.json`.
struct WebMapContent {
  /// One scale of the ladder, a layer of `analysis.gpkg`.
  struct Scale {
    var name: String
    var labels: [String: String]
    var units: Int
  }

  /// One indicator, pooled over the scales as its maps are classed.
  struct Indicator {
    var name: String
    var labels: [String: String]
    /// Every unit's value at every scale, in ladder then row order (no-data left out).
    var values: [Double]
    /// Whether some unit has no value.
    var hasNoData: Bool
  }

  /// The elevation model the shaded relief is made from.
  struct Relief {
    var key: String
    var path: String
    var crs: String?
  }

  var folder: URL
  var titles: [String: String]
  var languages: [String]
  var scales: [Scale]
  var indicators: [Indicator]
  /// West, south, east, north in degrees (`VertexBounds`).
  var bounds: [Double]
  /// The maps' sources line: the layers' file names.
  var sources: String
  var relief: Relief?

  /// The files an analysis folder must hold.
  static let required = ["analysis.gpkg", "report.json", "manifest.lock.json"]

  /// Reads the analysis in `folder`. The elevation model is looked for in
  /// `siteFolder`, else where the site was when it was analysed; with
  /// `verifyRelief`, its SHA-256 must still be the one the lock recorded.
  /// With `relief` false, no elevation model is looked for.
  /// - Throws: `WebMapError` for a folder that is not an analysis, a report
  ///   without labels, a missing or changed elevation model; `GDALError`.
  static func read(
    analysis folder: URL, siteFolder: String? = nil, relief: Bool = true,
    verifyRelief: Bool = true
  ) throws -> WebMapContent {
    let missing = required.filter {
      !FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path)
    }
    guard missing.isEmpty else {
      throw WebMapError.notAnAnalysis(folder: folder.path, missing: missing)
    }
    let reportFile = folder.appendingPathComponent("report.json")
    let lockFile = folder.appendingPathComponent("manifest.lock.json")
    let report = try json(reportFile)
    let lock = try json(lockFile)
    guard let languages = report["languages"] as? [String],
      let titles = report["titles"] as? [String: String],
      let scaleEntries = report["scales"] as? [[String: Any]],
      let indicatorEntries = report["indicators"] as? [[String: Any]]
    else { throw WebMapError.reportWithoutLabels(reportFile.path) }
    let gpkg = try VectorDataset(path: folder.appendingPathComponent("analysis.gpkg").path)
    let names = indicatorEntries.compactMap { $0["name"] as? String }
    var pooled = [[Double]](repeating: [], count: names.count)
    var noData = [Bool](repeating: false, count: names.count)
    var scales: [Scale] = []
    var vertices = VertexBounds()
    for entry in scaleEntries {
      guard let name = entry["name"] as? String else {
        throw WebMapError.reportWithoutLabels(reportFile.path)
      }
      guard gpkg.layerNames.contains(name) else {
        throw WebMapError.scaleMissing(gpkg: gpkg.path, scale: name)
      }
      let layer = try gpkg.layer(named: name)
      if vertices.transformer == nil, let crs = layer.crs {
        vertices.transformer = try Transformer(from: crs, to: CRS.wgs84)
      }
      let columns = layer.fields.map(\.name)
      let positions = names.map { columns.firstIndex(of: $0) }
      var units = 0
      try layer.forEachFeature { feature in
        units += 1
        for (index, position) in positions.enumerated() {
          guard let position else { continue }
          switch feature.attributes[position] {
          case .real(let value): pooled[index].append(value)
          case .integer(let value): pooled[index].append(Double(value))
          default: noData[index] = true
          }
        }
        if let geometry = feature.geometry { vertices.add(geometry.polygonalShape) }
      }
      scales.append(
        Scale(name: name, labels: entry["labels"] as? [String: String] ?? [:], units: units))
    }
    let indicators = indicatorEntries.enumerated().compactMap { index, entry -> Indicator? in
      guard let name = entry["name"] as? String else { return nil }
      return Indicator(
        name: name, labels: entry["labels"] as? [String: String] ?? [:], values: pooled[index],
        hasNoData: noData[index])
    }
    let manifest = lock["manifest"] as? [String: Any] ?? [:]
    let layers = manifest["layers"] as? [[String: Any]] ?? []
    let sources = layers.compactMap { layer -> String? in
      guard let path = layer["path"] as? String else { return nil }
      return PostgreSQLConnection.isConnection(path)
        ? (layer["layer"] as? String ?? "PostGIS") : (path as NSString).lastPathComponent
    }
    return WebMapContent(
      folder: folder, titles: titles, languages: languages, scales: scales,
      indicators: indicators, bounds: vertices.bounds, sources: sources.joined(separator: ", "),
      relief: relief
        ? try elevationModel(
          lock: lock, file: lockFile.path, siteFolder: siteFolder, verify: verifyRelief) : nil)
  }

  /// The site's elevation model (its first raster layer), if it has one.
  private static func elevationModel(
    lock: [String: Any], file: String, siteFolder: String?, verify: Bool
  ) throws -> Relief? {
    let manifest = lock["manifest"] as? [String: Any] ?? [:]
    let layers = manifest["layers"] as? [[String: Any]] ?? []
    guard let layer = layers.first(where: { $0["role"] as? String == "raster" }),
      let key = layer["key"] as? String, let relative = layer["path"] as? String
    else { return nil }
    let base = siteFolder ?? lock["folder"] as? String ?? "."
    let path =
      relative.hasPrefix("/") ? relative : (base as NSString).appendingPathComponent(relative)
    guard FileManager.default.fileExists(atPath: path) else {
      throw WebMapError.reliefMissing(layer: key, path: path)
    }
    if verify {
      let inputs = lock["inputs"] as? [[String: Any]] ?? []
      let recorded = inputs.first { $0["layer"] as? String == key }?["sha256"] as? String
      if let recorded, Checksum.sha256(file: path) != recorded {
        throw WebMapError.reliefChanged(layer: key, path: path, lock: file)
      }
    }
    return Relief(key: key, path: path, crs: layer["crs"] as? String)
  }

  private static func json(_ file: URL) throws -> [String: Any] {
    guard let data = try? Data(contentsOf: file),
      let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
    else { throw WebMapError.unreadable(file.path) }
    return object
  }
}

/// The box, in degrees, of polygons' exterior-ring vertices: a vertex outside
/// the working CRS's domain (a world grid's corner cells) is left out, and
/// latitudes stop where Web Mercator does.
struct VertexBounds {
  var transformer: Transformer?
  private var box: Envelope?

  mutating func add(_ shape: PolygonalShape) {
    guard let transformer else { return }
    for polygon in shape.polygons {
      for point in polygon.first ?? [] {
        guard let (x, y) = try? transformer.transform(x: point.x, y: point.y),
          x.isFinite, y.isFinite
        else { continue }
        let here = Envelope(minX: x, minY: y, maxX: x, maxY: y)
        box = box.map { $0.union(here) } ?? here
      }
    }
  }

  /// West, south, east, north (the whole world when no vertex was seen).
  var bounds: [Double] {
    guard let box else { return [-180, -85.0511, 180, 85.0511] }
    return [
      max(-180, box.minX), max(-85.0511, box.minY), min(180, box.maxX), min(85.0511, box.maxY),
    ]
  }
}
