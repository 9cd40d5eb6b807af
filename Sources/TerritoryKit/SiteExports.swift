import Foundation

/// The exports of the main job beyond the analysis' own files: GeoJSON for web
/// maps (Tiles) and the maps (Cartography).
enum SiteExports {
  /// A scale as RFC 7946 GeoJSON (`<scale>.geojson`, WGS 84), its
  /// geometries moved by `transformer` (from the working CRS); features are
  /// encoded and written one at a time.
  /// - Returns: the file's name.
  static func geoJSON(
    _ table: ScaleTable, transformer: Transformer, folder: URL, progress: (String) -> Void
  ) throws -> String {
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

  /// The QGIS styles of every scale's layer in `analysis.gpkg`: one per
  /// indicator, named after its column, with the classes, palette and labels of
  /// its maps, in the site's first language; the first indicator's is the
  /// layer's default.
  static func layerStyles(_ tables: [SiteAnalysis.WrittenScale], manifest: SiteManifest) throws
    -> [LayerStyle]
  {
    guard let first = tables.first else { return [] }
    let language = manifest.languages.compactMap(MapLanguage.init(rawValue:)).first ?? .en
    var styles: [LayerStyle] = []
    for (position, indicator) in first.indicators.enumerated() {
      let documents = try SiteMaps.styles(
        attribute: indicator.name, scales: tables.map { $0.indicators[position].values },
        palette: Palette.forIndicator(named: indicator.name), language: language)
      for (table, qml) in zip(tables, documents) {
        styles.append(
          LayerStyle(
            table: table.name, name: indicator.name, qml: qml,
            description: indicator.labels[language.rawValue] ?? indicator.description,
            isDefault: position == 0))
      }
    }
    return styles
  }

  /// Per indicator, a map per scale and a small-multiples poster in `maps/`,
  /// titled in the site's first language, leaving out the scales named in
  /// `leftOut` (too many polygons for a map, `SiteMaps.Drawing.leftOut`) and
  /// drawing those named in `fromGrid` from their grid
  /// (`SiteMaps.Drawing.cells`).
  static func maps(
    _ tables: [SiteAnalysis.WrittenScale], manifest: SiteManifest,
    leaving leftOut: Set<String> = [],
    fromGrid: Set<String> = [], folder: URL
  ) throws -> [String] {
    guard let first = tables.first else { return [] }
    let maps = folder.appendingPathComponent("maps")
    try FileManager.default.createDirectory(at: maps, withIntermediateDirectories: true)
    let language = manifest.languages.compactMap(MapLanguage.init(rawValue:)).first ?? .en
    let working = try CRS(manifest.crs)
    let crs = try manifest.mapCRS.map { try CRS($0) } ?? working
    let transformer = try Transformer.unlessEquivalent(from: working, to: crs)
    let title = manifest.titles[language.rawValue] ?? manifest.name
    // Made once per scale: the grid's slots serve every indicator.
    var gridCells: [String: MapCells] = [:]
    for (scale, table) in zip(manifest.scales, tables) where fromGrid.contains(scale.name) {
      gridCells[scale.name] = try Self.gridCells(of: table, crs: working, mapCRS: crs)
    }
    var files: [String] = []
    for (position, indicator) in first.indicators.enumerated() {
      let scales = try zip(manifest.scales, tables).filter { scale, _ in
        !leftOut.contains(scale.name)
      }.map { scale, table in
        let caption = scale.labels[language.rawValue] ?? scale.name
        let values = table.indicators[position].values
        if var cells = gridCells[scale.name] {
          cells.values = values
          return SiteMaps.Scale(name: scale.name, caption: caption, cells: cells)
        }
        return SiteMaps.Scale(
          name: scale.name, caption: caption,
          geometries: try table.geometries.shapes().map { shape in
            try shape.map { try reprojected($0, by: transformer) }
          }, values: values)
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
    files += try dates(
      tables, manifest: manifest, leaving: leftOut, gridCells: gridCells, folder: maps,
      language: language, title: title, transformer: transformer, crs: crs)
    return files
  }

  /// How the cells of a scale of grid cells lie, and the cells; `nil` for
  /// other polygons.
  static func gridLattice(of geometries: ScaleGeometries) -> (
    lattice: MapCells.Lattice, keys: [TargetKey]
  )? {
    guard case .cells(let shape, let keys) = geometries else { return nil }
    switch shape {
    case .square(let grid): return (.squares(origin: grid.origin, size: grid.cellSize), keys)
    case .hexagon(let grid): return (.hexagons(spacing: grid.spacing), keys)
    }
  }

  /// The cells of a scale of grid cells in `crs`, for maps in `mapCRS` (with
  /// its first indicator's values).
  private static func gridCells(of table: SiteAnalysis.WrittenScale, crs: CRS, mapCRS: CRS) throws
    -> MapCells?
  {
    guard let (lattice, keys) = gridLattice(of: table.geometries) else { return nil }
    return try MapCells(
      lattice: lattice, cells: keys.map { ($0.column, $0.row) },
      values: table.indicators.first?.values ?? Array(repeating: nil, count: keys.count),
      crs: crs, mapCRS: mapCRS)
  }

  /// Per count of `analyses.change` and per scale, the two dates side by side
  /// at the same classes (`maps/<count>_dates_<scale>_scales.pdf` / `.png`).
  private static func dates(
    _ tables: [SiteAnalysis.WrittenScale], manifest: SiteManifest, leaving leftOut: Set<String>,
    gridCells: [String: MapCells], folder: URL, language: MapLanguage, title: String,
    transformer: Transformer?, crs: CRS
  ) throws -> [String] {
    guard let change = manifest.analyses.change else { return [] }
    let units = manifest.layers.first { $0.role == .units }
    let earlier = manifest.layer(change.before)?.date ?? change.before
    let later = units?.date ?? units?.key ?? "now"
    var files: [String] = []
    for pair in change.pairs {
      for (scale, table) in zip(manifest.scales, tables) where !leftOut.contains(scale.name) {
        guard let now = table.columns[pair.name],
          let before = table.indicators.first(where: { $0.name == pair.name + "_before" })
        else { continue }
        let label =
          units?.variables.first { $0.name == pair.name }?.labels[language.rawValue] ?? pair.name
        let panels: [SiteMaps.Scale]
        if let cells = gridCells[scale.name] {
          panels = [(earlier, before.values), (later, now)].map { caption, values in
            var dated = cells
            dated.values = values
            return SiteMaps.Scale(name: caption, caption: caption, cells: dated)
          }
        } else {
          let shapes = try table.geometries.shapes().map { shape in
            try shape.map { try reprojected($0, by: transformer) }
          }
          panels = [
            SiteMaps.Scale(
              name: earlier, caption: earlier, geometries: shapes, values: before.values),
            SiteMaps.Scale(name: later, caption: later, geometries: shapes, values: now),
          ]
        }
        files += try SiteMaps.draw(
          indicator: "\(pair.name)_dates_\(scale.name)", title: label,
          subtitle: "\(title) · \(scale.labels[language.rawValue] ?? scale.name)",
          source: manifest.layers.map(creditedName).joined(separator: ", "),
          scales: panels, crs: crs, language: language,
          palette: Palette.forIndicator(named: pair.name),
          folder: folder, posterOnly: true
        ).map { "maps/" + $0 }
      }
    }
    return files
  }

  /// For every scale placed among random zonings, a histogram of the Gini
  /// coefficient of each density over them with the scale's own marked
  /// (`maps/<scale>_<indicator>_zoning.png`), in the site's first language.
  static func zoningHistograms(
    _ effects: [ZoningEffect], tables: [SiteAnalysis.WrittenScale], manifest: SiteManifest,
    folder: URL
  ) throws -> [String] {
    let language = manifest.languages.compactMap(MapLanguage.init(rawValue:)).first ?? .en
    var files: [String] = []
    for effect in effects {
      let scaleLabel =
        manifest.scales.first { $0.name == effect.scale }?.labels[language.rawValue] ?? effect.scale
      for entry in effect.entries {
        guard let gini = entry.gini, let random = entry.randomGini else { continue }
        let label =
          tables.lazy.flatMap(\.indicators).first { $0.name == entry.indicator }?
          .labels[language.rawValue] ?? entry.description
        let words: (title: String, caption: String, marker: String)
        switch language {
        case .fr:
          words = (
            "Indice de Gini de \(label) : \(scaleLabel) et \(effect.zonings) découpages aléatoires",
            "\(effect.units) unités regroupées en \(effect.zones) zones contiguës au hasard ; percentile \(Int((entry.giniPercentile ?? 0).rounded()))",
            "ce découpage"
          )
        case .ar:
          words = (
            "معامل جيني لـ \(label): \(scaleLabel) مقابل \(effect.zonings) تقسيماً عشوائياً",
            "\(effect.units) وحدة مجمعة عشوائياً في \(effect.zones) منطقة متجاورة؛ المئين \(Int((entry.giniPercentile ?? 0).rounded()))",
            "هذا التقسيم"
          )
        case .en:
          words = (
            "Gini coefficient of \(label): \(scaleLabel) against \(effect.zonings) random zonings",
            "\(effect.units) units grouped at random into \(effect.zones) contiguous zones; percentile \(Int((entry.giniPercentile ?? 0).rounded()))",
            "this zoning"
          )
        }
        let name = "maps/\(effect.scale)_\(entry.indicator)_zoning.png"
        try ZoningHistogram.draw(
          values: random.values, reference: gini, title: words.title, caption: words.caption,
          marker: words.marker, language: language,
          to: folder.appendingPathComponent(name).path, policy: .overwrite)
        files.append(name)
      }
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
