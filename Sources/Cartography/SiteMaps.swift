import Foundation
import GEOSKit
import GeoCore
import PROJKit
import Style

/// The maps of a site's analysis: for one indicator, a map per scale and a
/// small-multiples poster of all scales with one shared classification and legend.
public enum SiteMaps {
  /// One scale of the indicator.
  public struct Scale: Sendable {
    /// For file names (`grid100`).
    public var name: String
    /// For panel captions (`Carreaux de 100 m`).
    public var caption: String
    /// Each row's polygons in `crs` (`nil`: no geometry).
    public var geometries: [PolygonalShape?]
    /// One value per geometry (`nil`: no data).
    public var values: [Double?]
    /// The scale's grid cells, drawn from the grid in place of `geometries`.
    public var cells: MapCells?

    /// Creates a scale.
    public init(
      name: String, caption: String, geometries: [PolygonalShape?], values: [Double?]
    ) {
      self.name = name
      self.caption = caption
      self.geometries = geometries
      self.values = values
    }

    /// A scale of grid cells drawn from their grid (their values are `cells.values`).
    public init(name: String, caption: String, cells: MapCells) {
      self.init(name: name, caption: caption, geometries: [], values: cells.values)
      self.cells = cells
    }
  }

  /// How the maps show a scale of so many polygons.
  public enum Drawing: Sendable {
    /// Every polygon a path of the PDF maps (and pixels of the PNG ones).
    case vector
    /// The polygons an image at `MapRenderer.imageDPI` in the PDF maps, from
    /// `MapRenderer.imageThreshold` polygons.
    case image
    /// Grid cells (squares or hexagons) drawn from their grid (`MapCells`) as
    /// an image, at `MapRenderer.imageDPI` in the PDF maps, from
    /// `MapRenderer.imageThreshold` cells or over `mostPolygons`: never left out.
    case cells
    /// Not drawn: more polygons than `mostPolygons`.
    case leftOut

    /// The drawing of a scale of `polygons` polygons, with at most `most` in
    /// a map; `gridCells` when they are the cells of a grid.
    public init(polygons: Int, most: Int = SiteMaps.mostPolygons, gridCells: Bool = false) {
      if gridCells && (polygons > most || polygons >= MapRenderer.imageThreshold) {
        self = .cells
      } else {
        self =
          polygons > most ? .leftOut : polygons >= MapRenderer.imageThreshold ? .image : .vector
      }
    }
  }

  /// Scales of more polygons than this are left out of the maps (grid cells
  /// are drawn from their grid instead, `Drawing.cells`). A map's frame
  /// on an A4 page at 150 dpi holds about a million pixels: past that, the
  /// average polygon is smaller than a pixel and the map shows no more than
  /// the next coarser scale, while its shapes alone take some 200 bytes a
  /// polygon (nested coordinate arrays, per indicator). Their values are in
  /// the analysis' GeoPackage and GeoJSON, and the web map tiles them.
  public static let mostPolygons = 1_000_000

  /// The classes of an indicator's maps, over every scale's `values`: around
  /// zero (losses and gains apart) for a diverging palette (a change), else
  /// five by natural breaks.
  /// - Throws: `StyleError` when the palette has too few colours.
  public static func classes(of values: [Double], palette: Palette) throws -> (
    breaks: [Double], colours: [Colour]
  ) {
    if palette.kind == .diverging { return try Classification.diverging(values, palette: palette) }
    let breaks = Classification.breaks(values, scheme: .naturalBreaks, classes: 5)
    return (breaks, try palette.colours(breaks.count))
  }

  /// The legend labels of `values` classed by `breaks`, as the maps print them
  /// where they fit (never divided by a thousand), in `language`.
  public static func legendLabels(values: [Double], breaks: [Double], language: MapLanguage)
    -> [String]
  {
    LegendLabels.make(
      values: values, breaks: breaks, numbers: language.numbers, width: .infinity, size: 10
    ) { _, _ in 0 }.labels
  }

  /// The QGIS styles of an indicator, one QML document per scale (in the order
  /// of `scales`), with the classes, colours and legend labels of its poster
  /// (shared by every scale, so that layers side by side in QGIS compare).
  /// - Returns: no style when the indicator has no value at any scale.
  /// - Throws: `StyleError` when the palette has too few colours.
  public static func styles(
    attribute: String, scales: [[Double?]], palette: Palette, language: MapLanguage
  ) throws -> [String] {
    let values = scales.flatMap { $0.compactMap { $0 } }
    guard !values.isEmpty else { return [] }
    let (breaks, colours) = try classes(of: values, palette: palette)
    let labels = legendLabels(values: values, breaks: breaks, language: language)
    let lowest = min(values.min()!, breaks[0])
    // The same classes at every scale; only the borders differ with the count.
    let documents = [true, false].map { outlined in
      QGISStyle.graduated(
        attribute: attribute, lowest: lowest, breaks: breaks, colours: colours, labels: labels,
        outlined: outlined)
    }
    return scales.map { $0.count < 5_000 ? documents[0] : documents[1] }
  }

  /// Draws `indicator`'s maps into `folder`: `<indicator>_<scale>.png` (A4, 150 dpi)
  /// and `<indicator>_scales.pdf` / `.png` (A3 poster), classes by natural breaks
  /// (around zero, losses and gains apart, for a diverging palette: a change)
  /// over every scale's values.
  /// With `posterOnly`, only the poster.
  /// - Returns: the file names written, relative to `folder`.
  public static func draw(
    indicator: String, title: String, subtitle: String, source: String, scales: [Scale], crs: CRS,
    language: MapLanguage, palette: Palette, folder: URL, posterOnly: Bool = false
  ) throws -> [String] {
    let panels = scales.map { scale in
      MapPanel(
        caption: scale.caption,
        features: zip(scale.geometries, scale.values).map { shape, value in
          MapFeature(polygons: shape?.polygons ?? [], value: value)
        }, cells: scale.cells)
    }
    let values = scales.flatMap { $0.values.compactMap { $0 } }
    guard !values.isEmpty else { return [] }
    let (breaks, colours) = try classes(of: values, palette: palette)
    var files: [String] = []
    for (scale, panel) in zip(scales, panels) where !posterOnly {
      var spec = MapSpec(
        title: title, legendTitle: title, breaks: breaks, colours: colours, crs: crs,
        panels: [panel])
      spec.subtitle = subtitle.isEmpty ? scale.caption : "\(subtitle) · \(scale.caption)"
      spec.source = source
      spec.language = language
      spec.dpi = 150
      let name = "\(indicator)_\(scale.name).png"
      try MapRenderer.render(spec, to: folder.appendingPathComponent(name).path, policy: .overwrite)
      files.append(name)
    }
    var poster = MapSpec(
      title: title, legendTitle: title, breaks: breaks, colours: colours, crs: crs, panels: panels)
    poster.subtitle = subtitle
    poster.source = source
    poster.language = language
    poster.page = .a3
    poster.dpi = 150
    for format in ["pdf", "png"] {
      let name = "\(indicator)_scales.\(format)"
      try MapRenderer.render(
        poster, to: folder.appendingPathComponent(name).path, policy: .overwrite)
      files.append(name)
    }
    return files
  }
}
