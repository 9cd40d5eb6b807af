import Foundation

/// What `Tools.map(_:)` is to draw: a choropleth of one column, on one panel or
/// as small multiples of several layers sharing one classification and legend.
public struct MapJob: Sendable {
  /// The vector file.
  public var input: String
  /// The layers to draw: one panel each (none: the first layer; for small
  /// multiples, none means every layer of the file).
  public var layers: [String] = []
  /// Whether every layer of `layers` (or of the file) gets its own panel.
  public var smallMultiples = false
  /// The numeric column mapped.
  public var column: String
  /// How values are split into classes.
  public var scheme = ClassificationScheme.naturalBreaks
  /// The number of classes (fewer when the column has fewer distinct values).
  public var classes = 5
  /// The ColorBrewer palette's name.
  public var palette = "YlOrRd"
  /// Whether the palette runs the other way.
  public var reversed = false
  /// The title (default: the column's name).
  public var title: String?
  /// The subtitle.
  public var subtitle = ""
  /// The credits line.
  public var source = ""
  /// The legend's heading (default: the column's name).
  public var legend: String?
  /// The language of the map's words and numbers.
  public var language = MapLanguage.en
  /// The page size.
  public var page = PageSize.a4
  /// Landscape (or portrait) page.
  public var landscape = true
  /// The resolution of PNG output.
  public var dpi = 300.0
  /// Polygons drawn as thin outlines over the data (administrative boundaries).
  public var boundaries: String?
  /// A field whose values label the features.
  public var labels: String?
  /// A numeric field: points drawn as circles whose area follows it.
  public var sizeField: String?
  /// An elevation raster shaded under the data.
  public var background: String?
  /// The CRS of `background` when its own is missing or vague.
  public var backgroundCRS: CRS?
  /// The map's CRS (default: the layer's projected CRS, else one chosen for
  /// the data's extent, `MapProjection.choose(for:)`).
  public var crs: CRS?
  /// The CRS `input` is in, whatever its file declares (a file whose CRS is missing or wrong).
  public var sourceCRS: CRS?
  /// The output: `.pdf`, `.svg` or `.png`.
  public var output: String
  /// Whether an existing output may be replaced.
  public var policy = ExistingOutputPolicy.refuse

  /// A map of `column` of `input`, written to `output`.
  public init(input: String, column: String, output: String) {
    self.input = input
    self.column = column
    self.output = output
  }
}

/// What `Tools.map(_:)` drew.
public struct MapResult: Sendable {
  /// The number of panels.
  public var panels: Int
  /// The number of classes.
  public var classes: Int
  /// The palette's name.
  public var palette: String
  /// What the reader of the map should know (fewer classes than asked, labels left out).
  public var warnings: [String]
  /// The map's CRS, as its small print names it, and why it was chosen.
  public var projection: MapProjection
}

extension Tools {
  /// `territory map`: a print-quality choropleth with legend, scale bar and north arrow.
  /// - Throws: `StyleError`, `MapError` (no column or value, a background in
  ///   another CRS), `GDALError`, `PROJError`, `OutputError`.
  public static func map(_ job: MapJob) throws -> MapResult {
    let palette = try Palette(job.palette, reversed: job.reversed)
    let layers: [String?] =
      job.smallMultiples
      ? (job.layers.isEmpty ? try VectorDataset(path: job.input).layerNames : job.layers)
      : [job.layers.first]
    var panels: [MapPanel] = []
    var projection: MapProjection?
    for name in layers {
      let (features, chosen) = try MapData.load(
        path: job.input, layer: name, column: job.column, projection: projection, crs: job.crs,
        sourceCRS: job.sourceCRS,
        labels: job.labels, sizes: job.sizeField)
      projection = projection ?? chosen
      let outlines =
        try job.boundaries.map { try MapData.outlines(path: $0, projection: chosen) } ?? []
      panels.append(MapPanel(caption: name ?? "", features: features, boundaries: outlines))
    }
    let values = panels.flatMap { $0.features.compactMap(\.value) }
    guard let projection, !values.isEmpty else {
      throw MapError.noValues(path: job.input, column: job.column)
    }
    let crs = projection.crs
    if let sizeField = job.sizeField {
      let negative = panels.reduce(0) { $0 + $1.features.filter { ($0.size ?? 0) < 0 }.count }
      if negative > 0 {
        throw MapError.negativeSizes(path: job.input, field: sizeField, count: negative)
      }
    }
    var warnings: [String] = []
    let distinct = Set(values).count
    if job.classes > distinct {
      warnings.append(
        "\(job.column) has only \(distinct) distinct values; using \(distinct) classes")
    }
    let breaks = Classification.breaks(values, scheme: job.scheme, classes: job.classes)
    if breaks.count < min(job.classes, distinct) {
      warnings.append(
        "the \(job.scheme.name) breaks of \(job.column) repeat (many equal values); showing \(breaks.count) classes instead of \(job.classes)"
      )
    }
    var spec = MapSpec(
      title: job.title ?? job.column, legendTitle: job.legend ?? job.column, breaks: breaks,
      colours: try palette.colours(breaks.count), crs: crs, panels: panels)
    spec.subtitle = job.subtitle
    spec.source = job.source
    spec.language = job.language
    spec.page = job.page
    spec.landscape = job.landscape
    spec.dpi = job.dpi
    spec.proportionalSizeTitle = job.sizeField
    spec.crsCaption = projection.caption
    if let background = job.background {
      // The frame is wider than the data on one side: shade around it too.
      if let extent = MapGeometry.extent(panels) {
        let pad = max(extent.width, extent.height) * 0.3
        spec.background = try Hillshade(
          path: background, crs: job.backgroundCRS, map: crs,
          extent: Envelope(
            minX: extent.minX - pad, minY: extent.minY - pad, maxX: extent.maxX + pad,
            maxY: extent.maxY + pad))
      }
    }
    warnings += try MapRenderer.render(spec, to: job.output, policy: job.policy)
    return MapResult(
      panels: panels.count, classes: breaks.count, palette: palette.name, warnings: warnings,
      projection: projection)
  }
}
