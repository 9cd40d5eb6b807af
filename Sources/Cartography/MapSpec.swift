import PROJKit
import Style

/// One polygon feature of a map: its polygons (each a list of rings) in the
/// map's CRS, and its value (`nil`: no data).
public struct MapFeature: Sendable {
  /// Each polygon's rings, exterior first, in the map's CRS.
  public var polygons: [[[SIMD2<Double>]]]
  /// The value that picks the colour.
  public var value: Double?
  /// The points of a point feature, or the one point inside a polygon that
  /// carries its proportional circle (drawn as circles).
  public var points: [SIMD2<Double>] = []
  /// The value that sizes proportional circles.
  public var size: Double?
  /// A label, and where it goes (a point on the polygon's surface, or the point).
  public var label: String?
  /// Where the label goes, in the map's CRS.
  public var anchor: SIMD2<Double>?

  /// Creates a feature.
  public init(polygons: [[[SIMD2<Double>]]], value: Double?) {
    self.polygons = polygons
    self.value = value
  }
}

/// One map frame: its features, optional outlines drawn thin over them, and a
/// caption (used in small multiples).
public struct MapPanel: Sendable {
  /// The panel's caption (small multiples).
  public var caption: String
  /// What the panel draws.
  public var features: [MapFeature]
  /// Polygons whose outlines are drawn over the data (administrative boundaries).
  public var boundaries: [[[SIMD2<Double>]]]
  /// Grid cells drawn from their grid under the features, as an image.
  public var cells: MapCells?

  /// Creates a panel.
  public init(
    caption: String = "", features: [MapFeature], boundaries: [[[SIMD2<Double>]]] = [],
    cells: MapCells? = nil
  ) {
    self.caption = caption
    self.features = features
    self.boundaries = boundaries
    self.cells = cells
  }

  /// The values of the features and cells (the legend's).
  var values: [Double] {
    features.compactMap(\.value) + (cells?.values.compactMap { $0 } ?? [])
  }

  /// Whether a feature or cell has no value (the legend then shows no data).
  var lacksValues: Bool {
    features.contains { $0.value == nil } || (cells?.values.contains { $0 == nil } ?? false)
  }
}

/// Page sizes in points (1/72 inch), portrait.
public enum PageSize: String, Sendable, CaseIterable {
  /// ISO A4, 210 x 297 mm.
  case a4 = "A4"
  /// ISO A3, 297 x 420 mm.
  case a3 = "A3"
  /// ISO A2, 420 x 594 mm.
  case a2 = "A2"
  /// A 16:9 slide, 1280 x 720 points.
  case widescreen = "16:9"

  /// Width and height in points, portrait (16:9 is a 1280 x 720 slide, landscape).
  public var points: (width: Double, height: Double) {
    switch self {
    case .a4: return (595.28, 841.89)
    case .a3: return (841.89, 1190.55)
    case .a2: return (1190.55, 1683.78)
    case .widescreen: return (720, 1280)
    }
  }
}

/// Everything a map page shows.
public struct MapSpec: Sendable {
  /// The title, in the map's language.
  public var title: String
  /// The line under the title.
  public var subtitle = ""
  /// The credits line.
  public var source = ""
  /// Fixed words and number formatting.
  public var language = MapLanguage.en
  /// The page size.
  public var page = PageSize.a4
  /// Whether the page lies on its long side.
  public var landscape = true
  /// PNG resolution.
  public var dpi = 300.0
  /// The legend's heading (what the colours measure).
  public var legendTitle: String
  /// Class upper bounds, ascending, and one colour per class.
  public var breaks: [Double]
  /// One colour per class.
  public var colours: [Colour]
  /// The colour of features without a value.
  public var noDataColour = Colour(red: 0.85, green: 0.85, blue: 0.85)
  /// The CRS of every coordinate (projected).
  public var crs: CRS
  /// How the small print names the CRS (default: its name and EPSG code).
  public var crsCaption: String?
  /// One panel for a map, several for small multiples (all at the same scale).
  public var panels: [MapPanel]
  /// A shaded relief under the data (in the map's CRS); the data is then drawn
  /// slightly transparent so that the relief shows through.
  public var background: Hillshade?
  /// Points drawn as circles whose area is proportional to `MapFeature.size`,
  /// with a heading for their legend.
  public var proportionalSizeTitle: String?

  /// Creates a map page.
  public init(
    title: String, legendTitle: String, breaks: [Double], colours: [Colour], crs: CRS,
    panels: [MapPanel]
  ) {
    self.title = title
    self.legendTitle = legendTitle
    self.breaks = breaks
    self.colours = colours
    self.crs = crs
    self.panels = panels
  }
}
