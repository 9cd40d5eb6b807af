import Foundation

/// The exports of the main job beyond the analysis' own files: GeoJSON for web
/// maps (Tiles) and the maps (Cartography).
enum SiteExports {
  /// Each scale as RFC 7946 GeoJSON (`<scale>.geojson`, WGS 84).
  static func geoJSON(
    _ tables: [ScaleTable], manifest: SiteManifest, folder: URL, progress: (String) -> Void
  ) throws -> [String] {
    let transformer = try Transformer(from: CRS(manifest.crs), to: CRS.wgs84)
    return try tables.map { table in
      let name = "\(table.name).geojson"
      let writer = try GeoJSONWriter(
        path: folder.appendingPathComponent(name).path, policy: .refuse)
      do {
        let names = table.fields.map(\.name)
        for (index, row) in table.rows.enumerated() {
          let geometry = try table.geometries.geometry(at: index).map(
            transformer.transformWithinDomain)
          try writer.write(properties: zip(names, row).map { ($0, $1) }, geometry: geometry)
        }
        try writer.commit()
      } catch {
        writer.discard()
        throw error
      }
      if !writer.rounding.isEmpty {
        progress("  \(name): \(writer.rounding.summary(decimals: 7))")
      }
      return name
    }
  }

  /// Per indicator, a map per scale and a small-multiples poster in `maps/`,
  /// titled in the site's first language.
  static func maps(_ tables: [ScaleTable], manifest: SiteManifest, folder: URL) throws -> [String] {
    guard let first = tables.first else { return [] }
    let maps = folder.appendingPathComponent("maps")
    try FileManager.default.createDirectory(at: maps, withIntermediateDirectories: true)
    let language = manifest.languages.compactMap(MapLanguage.init(rawValue:)).first ?? .en
    let working = try CRS(manifest.crs)
    let crs = try manifest.mapCRS.map { try CRS($0) } ?? working
    let transformer = try Transformer.unlessEquivalent(from: working, to: crs)
    let title = manifest.titles[language.rawValue] ?? manifest.name
    var files: [String] = []
    for (position, indicator) in first.indicators.enumerated() {
      let scales = try zip(manifest.scales, tables).map { scale, table in
        SiteMaps.Scale(
          name: scale.name, caption: scale.labels[language.rawValue] ?? scale.name,
          geometries: try table.geometries.shapes().map { shape in
            try shape.map { try reprojected($0, by: transformer) }
          }, values: table.indicators[position].values)
      }
      files += try SiteMaps.draw(
        indicator: indicator.name,
        title: indicator.labels[language.rawValue] ?? indicator.description,
        subtitle: title,
        source: manifest.layers.map(creditedName).joined(separator: ", "),
        scales: scales, crs: crs, language: language,
        palette: Palette.forIndicator(named: indicator.name), folder: maps
      ).map { "maps/" + $0 }
    }
    return files
  }

  /// `shape` in the maps' CRS.
  private static func reprojected(_ shape: PolygonalShape, by transformer: Transformer?) throws
    -> PolygonalShape
  {
    guard let transformer else { return shape }
    var moved = shape
    moved.polygons = try shape.polygons.map { rings in
      try rings.map { ring in
        try ring.map { point in
          let (x, y) = try transformer.transform(x: point.x, y: point.y)
          return SIMD2(x, y)
        }
      }
    }
    return moved
  }

  /// How a layer is named in a map's sources line: its file's name, or, for a
  /// table, `schema.table` (never the connection, which may hold a password).
  static func creditedName(_ layer: LayerSpec) -> String {
    PostgreSQLConnection.isConnection(layer.path)
      ? (layer.layer ?? "PostGIS") : (layer.path as NSString).lastPathComponent
  }
}
