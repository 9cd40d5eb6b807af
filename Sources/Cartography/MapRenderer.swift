import Foundation
import GeoCore
import PROJKit
import Style

/// Draws a map page (one panel, or small multiples sharing one legend): title,
/// subtitle, the choropleth, boundaries over it, legend, scale bar with a round
/// length, north arrow pointing to true north, CRS and sources in small print.
public enum MapRenderer {
  /// Renders `spec` to `path` (PDF, SVG or PNG by extension), atomically.
  /// - Returns: warnings (text the font cannot render).
  /// - Throws: `MapError`, `OutputError`, `PROJError`.
  @discardableResult
  public static func render(_ spec: MapSpec, to path: String, policy: ExistingOutputPolicy) throws
    -> [String]
  {
    guard let format = CanvasFormat(path: path) else {
      throw MapError.cannotDraw(path: path, reason: "the extension must be .pdf, .svg or .png")
    }
    let output = try StagedOutput(path: path, policy: policy)
    var (width, height) = spec.page.points
    if spec.landscape == (width < height) { swap(&width, &height) }
    let canvas = try Canvas(
      path: output.stagingPath.path, format: format, width: width, height: height, dpi: spec.dpi)
    canvas.rightToLeft = spec.language.rightToLeft
    var warnings: [String] = []
    for text in [spec.title, spec.subtitle, spec.legendTitle]
    where !text.isEmpty && !canvas.canRender(text) {
      warnings.append(
        "the font (DejaVu Sans) cannot draw every character of '\(text)'; some show as boxes")
    }
    try draw(spec, on: canvas, width: width, height: height)
    try canvas.finish()
    try output.commit()
    return warnings
  }

  private static func draw(_ spec: MapSpec, on canvas: Canvas, width: Double, height: Double) throws
  {
    let unit = min(width, height)
    let margin = unit * 0.04
    let rtl = spec.language.rightToLeft
    let align: TextAlignment = rtl ? .right : .left
    let textWidth = width - 2 * margin
    // Header.
    var top = margin
    top +=
      canvas.text(
        spec.title, x: margin, y: top, width: textWidth, size: unit * 0.03, bold: true,
        alignment: align
      ).height
    if !spec.subtitle.isEmpty {
      top +=
        2
        + canvas.text(
          spec.subtitle, x: margin, y: top + 2, width: textWidth, size: unit * 0.018,
          alignment: align, colour: Colour(red: 0.3, green: 0.3, blue: 0.3)
        ).height
    }
    top += unit * 0.02
    // Footer: sources and CRS.
    let small = unit * 0.012
    let crsLine =
      "CRS: \(spec.crsCaption ?? spec.crs.name + (spec.crs.epsgCode.map { " (EPSG:\($0))" } ?? ""))"
    let footer = [
      spec.source.isEmpty ? nil : "\(spec.language.sourceHeading): \(spec.source)", crsLine,
    ].compactMap { $0 }.joined(separator: "   ·   ")
    let footerHeight = canvas.text(
      footer, x: margin, y: 0, width: textWidth, size: small, alignment: align, draw: false
    ).height
    canvas.text(
      footer, x: margin, y: height - margin - footerHeight, width: textWidth, size: small,
      alignment: align, colour: Colour(red: 0.35, green: 0.35, blue: 0.35))
    // Map area and legend column (on the right, or on the left for right-to-left).
    let column = width * (width > height ? 0.22 : 0.3)
    let gap = unit * 0.025
    let bottom = height - margin - footerHeight - gap
    let mapX = rtl ? margin + column + gap : margin
    let mapWidth = width - 2 * margin - column - gap
    let columnX = rtl ? margin : width - margin - column
    guard let dataExtent = MapGeometry.extent(spec.panels) else {
      throw MapError.cannotDraw(path: "", reason: "the layer has nothing to draw")
    }
    // One circle size on every panel and in the legend: the largest circle's
    // radius follows the page, not the panel.
    let hasPoints = spec.panels.contains { $0.features.contains { !$0.points.isEmpty } }
    let symbolRadius =
      spec.proportionalSizeTitle != nil ? largestRadius(unit) : unit * 0.008
    // Room for circles around points, which sit on the edge of their extent:
    // a margin of one radius at the final scale (found in a few rounds, as the
    // margin itself lowers the scale).
    var extent = dataExtent
    var layout = panelLayout(
      count: spec.panels.count, extent: extent, width: mapWidth, height: bottom - top,
      caption: spec.panels.count > 1 ? unit * 0.022 : 0, gap: gap)
    for _ in 0..<(hasPoints ? 4 : 0) {
      let pad = (symbolRadius + 2) / layout.scale
      extent = Envelope(
        minX: dataExtent.minX - pad, minY: dataExtent.minY - pad, maxX: dataExtent.maxX + pad,
        maxY: dataExtent.maxY + pad)
      layout = panelLayout(
        count: spec.panels.count, extent: extent, width: mapWidth, height: bottom - top,
        caption: spec.panels.count > 1 ? unit * 0.022 : 0, gap: gap)
    }
    for (index, panel) in spec.panels.enumerated() {
      // Right-to-left pages read their panels from the right.
      let columnIndex =
        rtl ? layout.columns - 1 - index % layout.columns : index % layout.columns
      let rowIndex = index / layout.columns
      let x = mapX + Double(columnIndex) * (layout.cellWidth + gap)
      var y = top + Double(rowIndex) * (layout.cellHeight + gap)
      if layout.captionHeight > 0 {
        canvas.text(
          panel.caption, x: x, y: y, width: layout.cellWidth, size: unit * 0.015, bold: true,
          alignment: align)
        y += layout.captionHeight
      }
      try drawPanel(
        panel, spec: spec, canvas: canvas, x: x, y: y, width: layout.cellWidth,
        height: layout.cellHeight - layout.captionHeight, extent: extent, scale: layout.scale,
        symbolRadius: symbolRadius)
    }
    try drawLegend(
      spec, canvas: canvas, x: columnX, y: top, width: column, unit: unit, scale: layout.scale,
      extent: extent, symbolRadius: symbolRadius)
  }

  /// The grid of panels that gives them the largest common scale.
  private static func panelLayout(
    count: Int, extent: Envelope, width: Double, height: Double, caption: Double, gap: Double
  )
    -> (columns: Int, cellWidth: Double, cellHeight: Double, captionHeight: Double, scale: Double)
  {
    var best = (
      columns: 1, cellWidth: width, cellHeight: height, captionHeight: caption, scale: 0.0
    )
    for columns in 1...max(1, count) {
      let rows = (count + columns - 1) / columns
      let cellWidth = (width - gap * Double(columns - 1)) / Double(columns)
      let cellHeight = (height - gap * Double(rows - 1)) / Double(rows)
      let scale = min(cellWidth / extent.width, (cellHeight - caption) / extent.height)
      if scale > best.scale { best = (columns, cellWidth, cellHeight, caption, scale) }
    }
    return best
  }

  private static func drawPanel(
    _ panel: MapPanel, spec: MapSpec, canvas: Canvas, x: Double, y: Double, width: Double,
    height: Double,
    extent: Envelope, scale: Double, symbolRadius: Double
  ) throws(MapError) {
    let offsetX = x + (width - extent.width * scale) / 2
    let offsetY = y + (height - extent.height * scale) / 2
    func page(_ point: SIMD2<Double>) -> SIMD2<Double> {
      SIMD2(offsetX + (point.x - extent.minX) * scale, offsetY + (extent.maxY - point.y) * scale)
    }
    canvas.save()
    canvas.rectangle(x, y, width, height)
    canvas.clip()
    if let background = spec.background { canvas.paint(background, place: page) }
    let alpha = spec.background == nil ? 1 : 0.72
    if let cells = panel.cells {
      let layer = try canvas.imageLayer(
        x: x, y: y, width: width, height: height, dpi: canvas.isVector ? imageDPI : spec.dpi)
      try fillCells(cells, spec: spec, layer: layer) { point in
        SIMD2(extent.minX + (point.x - offsetX) / scale, extent.maxY - (point.y - offsetY) / scale)
      }
      canvas.place(layer, alpha: alpha)
    }
    if canvas.isVector && panel.features.count >= imageThreshold {
      let layer = try canvas.imageLayer(x: x, y: y, width: width, height: height, dpi: imageDPI)
      fillPolygons(panel, spec: spec, canvas: layer, page: page, alpha: 1)
      canvas.place(layer, alpha: alpha)
    } else {
      fillPolygons(panel, spec: spec, canvas: canvas, page: page, alpha: alpha)
    }
    for polygon in panel.boundaries {
      canvas.addRings(polygon.map { $0.map(page) })
      canvas.stroke(Colour(red: 0.25, green: 0.25, blue: 0.25), width: 0.35)
    }
    drawPoints(panel, spec: spec, canvas: canvas, page: page, radius: symbolRadius)
    drawLabels(
      panel, canvas: canvas, page: page, frame: (x, y, width, height),
      size: max(5, min(width, height) * 0.016))
    canvas.restore()
  }

  /// Panels of at least this many polygons are drawn on PDF and SVG pages as
  /// an image at `imageDPI` under their vector boundaries, points and labels.
  /// Cairo keeps every path of a vector page in memory until the page is
  /// finished, about 2 KB a filled and stroked polygon: the poster of a site
  /// with 419,262 cells of 10 m held 835 MB of them (heaptrack), and viewers and
  /// print drivers crawl through hundreds of thousands of paths. At this count a
  /// polygon of a panel covers a few printed dots at most.
  public static let imageThreshold = 20_000
  /// The resolution of those images: print quality.
  public static let imageDPI = 300.0

  /// The choropleth's polygons of `panel`, filled in their classes' colours.
  private static func fillPolygons(
    _ panel: MapPanel, spec: MapSpec, canvas: Canvas, page: (SIMD2<Double>) -> SIMD2<Double>,
    alpha: Double
  ) {
    let outline = panel.features.count < 5_000
    for feature in panel.features where !feature.polygons.isEmpty {
      for polygon in feature.polygons {
        canvas.addRings(polygon.map { $0.map(page) })
      }
      if !feature.points.isEmpty {
        // A polygon that carries a proportional circle is the circle's ground:
        // one pale tone (not the no-data grey) with grey borders, so that the
        // colour is read from the circles alone.
        canvas.fillPreserve(Colour(red: 0.96, green: 0.95, blue: 0.92), alpha: alpha)
        canvas.stroke(Colour(red: 0.55, green: 0.55, blue: 0.55), width: 0.3)
        continue
      }
      let colour =
        feature.value.map { spec.colours[Classification.classIndex(of: $0, breaks: spec.breaks)] }
        ?? spec.noDataColour
      if alpha < 1 {
        canvas.fill(colour, alpha: alpha)
      } else if outline {
        canvas.fillPreserve(colour)
        canvas.stroke(Colour(red: 1, green: 1, blue: 1), width: 0.15, alpha: 0.7)
      } else {
        // Many small adjacent cells: a hairline of their own colour closes the
        // antialiasing seams through which the white page would lighten the map.
        canvas.fillPreserve(colour)
        canvas.stroke(colour, width: 0.25)
      }
    }
  }

  /// The radius of the largest proportional circle, from the page's size.
  static func largestRadius(_ unit: Double) -> Double { unit * 0.045 }

  /// Point features: proportional circles (largest first, so small ones stay
  /// visible on top) or small dots.
  private static func drawPoints(
    _ panel: MapPanel, spec: MapSpec, canvas: Canvas, page: (SIMD2<Double>) -> SIMD2<Double>,
    radius largestRadius: Double
  ) {
    let points = panel.features.filter { !$0.points.isEmpty }
    guard !points.isEmpty else { return }
    let largest = points.compactMap(\.size).max() ?? 0
    let ordered = points.sorted { ($0.size ?? 0) > ($1.size ?? 0) }
    for feature in ordered {
      let colour =
        feature.value.map { spec.colours[Classification.classIndex(of: $0, breaks: spec.breaks)] }
        ?? spec.noDataColour
      var radius = largestRadius
      if spec.proportionalSizeTitle != nil, largest > 0 {
        radius = largestRadius * (max(0, feature.size ?? 0) / largest).squareRoot()
      }
      for point in feature.points {
        canvas.circle(page(point), radius: radius)
        canvas.fillPreserve(colour, alpha: 0.85)
        canvas.stroke(Colour(red: 0.2, green: 0.2, blue: 0.2), width: 0.4)
      }
    }
  }

  /// Labels at their anchors, the largest features first, skipping any label
  /// that would overlap one already placed or leave the frame.
  private static func drawLabels(
    _ panel: MapPanel, canvas: Canvas, page: (SIMD2<Double>) -> SIMD2<Double>,
    frame: (x: Double, y: Double, width: Double, height: Double), size: Double
  ) {
    func weight(_ feature: MapFeature) -> Double {
      feature.size
        ?? feature.polygons.reduce(0) { total, rings in
          total + abs(rings.first.map { RingArea.signed($0) } ?? 0)
        }
    }
    let labelled = panel.features.filter { $0.label != nil && $0.anchor != nil }.sorted {
      weight($0) > weight($1)
    }
    var placed: [(Double, Double, Double, Double)] = []
    for feature in labelled {
      let text = feature.label!
      let extent = canvas.labelSize(text, size: size)
      let centre = page(feature.anchor!)
      let box = (
        centre.x - extent.width / 2, centre.y - extent.height / 2, extent.width, extent.height
      )
      guard box.0 >= frame.x, box.1 >= frame.y, box.0 + box.2 <= frame.x + frame.width,
        box.1 + box.3 <= frame.y + frame.height
      else { continue }
      let overlaps = placed.contains { other in
        box.0 < other.0 + other.2 && other.0 < box.0 + box.2 && box.1 < other.1 + other.3
          && other.1 < box.1 + box.3
      }
      if overlaps { continue }
      placed.append(box)
      canvas.haloLabel(text, x: box.0, y: box.1, size: size)
    }
  }
}
