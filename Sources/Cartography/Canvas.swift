internal import CCairo
internal import CPango
import Foundation
import Style

/// What a map is drawn into: a PDF, an SVG or a PNG page, in points (1/72 inch).
public enum CanvasFormat: String, Sendable {
  /// PDF: vector, text searchable.
  case pdf
  /// SVG: vector, for the web and editors.
  case svg
  /// PNG: pixels at the page's resolution.
  case png

  /// The format of `path`'s extension, or `nil`.
  public init?(path: String) {
    self.init(rawValue: URL(fileURLWithPath: path).pathExtension.lowercased())
  }
}

/// A Cairo surface and context with Pango text, for one page. Vector formats
/// keep paths and real text; PNG renders at `dpi`.
///
/// Not `Sendable`; `finish()` must be called to flush PDF, SVG and PNG.
final class Canvas {
  let context: OpaquePointer
  private let surface: OpaquePointer
  private let format: CanvasFormat
  private let path: String
  let width: Double
  let height: Double
  /// Whether paragraphs run right to left (Arabic maps).
  var rightToLeft = false

  /// Creates a page of `width` x `height` points writing to `path`.
  init(path: String, format: CanvasFormat, width: Double, height: Double, dpi: Double)
    throws(MapError)
  {
    self.path = path
    self.format = format
    self.width = width
    self.height = height
    switch format {
    case .pdf: surface = cairo_pdf_surface_create(path, width, height)
    case .svg: surface = cairo_svg_surface_create(path, width, height)
    case .png:
      let scale = dpi / 72
      surface = cairo_image_surface_create(
        CAIRO_FORMAT_RGB24, Int32((width * scale).rounded()), Int32((height * scale).rounded()))
    }
    guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
      let reason = String(cString: cairo_status_to_string(cairo_surface_status(surface)))
      cairo_surface_destroy(surface)
      throw .cannotDraw(path: path, reason: reason)
    }
    if format == .pdf {
      // A fixed date, so that the same map gives the same bytes (the date PDF
      // readers show is the file's own).
      cairo_pdf_surface_set_metadata(
        surface, CAIRO_PDF_METADATA_CREATE_DATE, "2000-01-01T00:00:00Z")
      cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "TerritoryKit")
    }
    context = cairo_create(surface)
    if format == .png { cairo_scale(context, dpi / 72, dpi / 72) }
    setColour(Colour(red: 1, green: 1, blue: 1))
    cairo_paint(context)
  }

  /// An image layer of `width` x `height` points at `dpi`, transparent, whose
  /// top-left corner is the point (`x`, `y`) of the page: it is drawn into with
  /// the page's own coordinates, then placed with `place(_:alpha:)`.
  private init(layerX x: Double, y: Double, width: Double, height: Double, dpi: Double)
    throws(MapError)
  {
    path = ""
    format = .png
    self.width = width
    self.height = height
    let scale = dpi / 72
    surface = cairo_image_surface_create(
      CAIRO_FORMAT_ARGB32, Int32((width * scale).rounded(.up)),
      Int32((height * scale).rounded(.up)))
    guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else {
      let reason = String(cString: cairo_status_to_string(cairo_surface_status(surface)))
      cairo_surface_destroy(surface)
      throw .cannotDraw(path: "", reason: "an image of the map's polygons: \(reason)")
    }
    context = cairo_create(surface)
    cairo_scale(context, scale, scale)
    cairo_translate(context, -x, -y)
    origin = SIMD2(x, y)
    layerScale = scale
  }

  /// Where an image layer sits on the page, and its pixels per point.
  private var origin = SIMD2<Double>(0, 0)
  private var layerScale = 1.0

  /// Whether the page keeps paths (PDF, SVG) rather than pixels.
  var isVector: Bool { format != .png }

  /// A transparent image layer over the page's rectangle (`x`, `y`, `width`,
  /// `height`) at `dpi`, drawn into with page coordinates; `place(_:alpha:)`
  /// puts it on the page.
  func imageLayer(x: Double, y: Double, width: Double, height: Double, dpi: Double)
    throws(MapError) -> Canvas
  {
    try Canvas(layerX: x, y: y, width: width, height: height, dpi: dpi)
  }

  /// Paints `layer` (from `imageLayer`) at its place on the page, with
  /// `alpha`. Its pixels stay sharp: a viewer enlarging the page sees the
  /// cells' edges, not colours blended between classes.
  func place(_ layer: Canvas, alpha: Double = 1) {
    cairo_surface_flush(layer.surface)
    save()
    cairo_translate(context, layer.origin.x, layer.origin.y)
    cairo_scale(context, 1 / layer.layerScale, 1 / layer.layerScale)
    cairo_set_source_surface(context, layer.surface, 0, 0)
    cairo_pattern_set_filter(cairo_get_source(context), CAIRO_FILTER_NEAREST)
    cairo_paint_with_alpha(context, alpha)
    restore()
  }

  /// The pixel columns and rows of this image layer (from `imageLayer`).
  var pixelSize: (width: Int, height: Int) {
    (Int(cairo_image_surface_get_width(surface)), Int(cairo_image_surface_get_height(surface)))
  }

  /// The page point at pixel position (`x`, `y`) of this image layer (a
  /// pixel's centre is at `x + 0.5`, `y + 0.5`).
  func pagePoint(pixelX x: Double, pixelY y: Double) -> SIMD2<Double> {
    origin + SIMD2(x, y) / layerScale
  }

  /// Sets every pixel of this image layer, one row at a time (from the top):
  /// `fill` receives the row and its pixels, transparent, to set with
  /// `Canvas.pixel(_:)` values.
  func setPixels(_ fill: (_ row: Int, _ pixels: inout [UInt32]) -> Void) {
    cairo_surface_flush(surface)
    guard let data = cairo_image_surface_get_data(surface) else { return }
    let (width, height) = pixelSize
    let stride = Int(cairo_image_surface_get_stride(surface))
    var pixels = [UInt32](repeating: 0, count: width)
    for row in 0..<height {
      for index in pixels.indices { pixels[index] = 0 }
      fill(row, &pixels)
      pixels.withUnsafeBytes { bytes in
        (data + row * stride).update(
          from: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), count: width * 4)
      }
    }
    cairo_surface_mark_dirty(surface)
  }

  /// `colour`, opaque, as a pixel of an image layer (Cairo's ARGB32).
  static func pixel(_ colour: Colour) -> UInt32 {
    func channel(_ value: Double) -> UInt32 { UInt32((min(1, max(0, value)) * 255).rounded()) }
    return 0xFF00_0000 | channel(colour.red) << 16 | channel(colour.green) << 8
      | channel(colour.blue)
  }

  deinit {
    cairo_destroy(context)
    cairo_surface_destroy(surface)
  }

  /// Writes the page (`cairo_surface_finish`, or `cairo_surface_write_to_png`).
  func finish() throws(MapError) {
    cairo_surface_flush(surface)
    if format == .png {
      let status = cairo_surface_write_to_png(surface, path)
      guard status == CAIRO_STATUS_SUCCESS else {
        throw .cannotDraw(path: path, reason: String(cString: cairo_status_to_string(status)))
      }
    }
    cairo_surface_finish(surface)
    let status = cairo_surface_status(surface)
    guard status == CAIRO_STATUS_SUCCESS else {
      throw .cannotDraw(path: path, reason: String(cString: cairo_status_to_string(status)))
    }
  }

  func setColour(_ colour: Colour, alpha: Double = 1) {
    cairo_set_source_rgba(context, colour.red, colour.green, colour.blue, alpha)
  }

  /// Adds closed rings to the current path (even-odd fill keeps holes).
  func addRings(_ rings: [[SIMD2<Double>]]) {
    for ring in rings {
      guard let first = ring.first else { continue }
      cairo_move_to(context, first.x, first.y)
      for point in ring.dropFirst() { cairo_line_to(context, point.x, point.y) }
      cairo_close_path(context)
    }
  }

  /// Adds an open line through `points` to the current path.
  func addLine(_ points: [SIMD2<Double>]) {
    guard let first = points.first else { return }
    cairo_move_to(context, first.x, first.y)
    for point in points.dropFirst() { cairo_line_to(context, point.x, point.y) }
  }

  func fill(_ colour: Colour, alpha: Double = 1) {
    setColour(colour, alpha: alpha)
    cairo_set_fill_rule(context, CAIRO_FILL_RULE_EVEN_ODD)
    cairo_fill(context)
  }

  func fillPreserve(_ colour: Colour, alpha: Double = 1) {
    setColour(colour, alpha: alpha)
    cairo_set_fill_rule(context, CAIRO_FILL_RULE_EVEN_ODD)
    cairo_fill_preserve(context)
  }

  func stroke(_ colour: Colour, width: Double, alpha: Double = 1) {
    setColour(colour, alpha: alpha)
    cairo_set_line_width(context, width)
    cairo_set_line_join(context, CAIRO_LINE_JOIN_ROUND)
    cairo_stroke(context)
  }

  func rectangle(_ x: Double, _ y: Double, _ w: Double, _ h: Double) {
    cairo_rectangle(context, x, y, w, h)
  }

  func save() { cairo_save(context) }
  func restore() { cairo_restore(context) }
  func clip() { cairo_clip(context) }

  /// Lays out `text` (Pango: shaping, bidirectional order, Arabic joining) in
  /// DejaVu Sans at `size` points, `width` wide, aligned as asked.
  /// - Returns: the height the text takes.
  @discardableResult
  func text(
    _ text: String, x: Double, y: Double, width: Double, size: Double, bold: Bool = false,
    alignment: TextAlignment = .left, colour: Colour = Colour(red: 0.1, green: 0.1, blue: 0.1),
    draw: Bool = true
  ) -> (width: Double, height: Double) {
    guard let layout = pango_cairo_create_layout(context) else { return (0, 0) }
    defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
    let font = pango_font_description_from_string("DejaVu Sans \(bold ? "Bold " : "")\(size)")
    defer { pango_font_description_free(font) }
    pango_layout_set_font_description(layout, font)
    pango_layout_set_width(layout, Int32(width * Double(PANGO_SCALE)))
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD)
    switch alignment {
    case .left: pango_layout_set_alignment(layout, PANGO_ALIGN_LEFT)
    case .centre: pango_layout_set_alignment(layout, PANGO_ALIGN_CENTER)
    case .right: pango_layout_set_alignment(layout, PANGO_ALIGN_RIGHT)
    }
    // Alignment is absolute (left means left); the paragraph direction is the
    // language's, so that Arabic punctuation and numbers fall at the right end.
    pango_layout_set_auto_dir(layout, 0)
    pango_context_set_base_dir(
      pango_layout_get_context(layout), rightToLeft ? PANGO_DIRECTION_RTL : PANGO_DIRECTION_LTR)
    pango_layout_context_changed(layout)
    pango_layout_set_text(layout, text, -1)
    var inkWidth: Int32 = 0
    var inkHeight: Int32 = 0
    pango_layout_get_size(layout, &inkWidth, &inkHeight)
    if draw {
      setColour(colour)
      cairo_move_to(context, x, y)
      pango_cairo_show_layout(context, layout)
    }
    return (Double(inkWidth) / Double(PANGO_SCALE), Double(inkHeight) / Double(PANGO_SCALE))
  }

  /// A circle path.
  func circle(_ centre: SIMD2<Double>, radius: Double) {
    cairo_new_sub_path(context)
    cairo_arc(context, centre.x, centre.y, radius, 0, 2 * .pi)
  }

  /// The size of a one-line label.
  func labelSize(_ text: String, size: Double) -> (width: Double, height: Double) {
    self.text(text, x: 0, y: 0, width: 10_000, size: size, draw: false)
  }

  /// Draws a one-line label with its top-left at (x, y) over a white halo
  /// (`pango_cairo_layout_path`, stroked then filled).
  func haloLabel(_ text: String, x: Double, y: Double, size: Double) {
    guard let layout = pango_cairo_create_layout(context) else { return }
    defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
    let font = pango_font_description_from_string("DejaVu Sans \(size)")
    defer { pango_font_description_free(font) }
    pango_layout_set_font_description(layout, font)
    pango_layout_set_text(layout, text, -1)
    cairo_move_to(context, x, y)
    pango_cairo_layout_path(context, layout)
    setColour(Colour(red: 1, green: 1, blue: 1), alpha: 0.85)
    cairo_set_line_width(context, size * 0.25)
    cairo_set_line_join(context, CAIRO_LINE_JOIN_ROUND)
    cairo_stroke(context)
    // The letters themselves as real text, so that a PDF's labels stay searchable.
    setColour(Colour(red: 0.1, green: 0.1, blue: 0.1))
    cairo_move_to(context, x, y)
    pango_cairo_show_layout(context, layout)
  }

  /// Whether DejaVu Sans has a glyph for every character of `text`
  /// (`pango_layout_get_unknown_glyphs_count`).
  func canRender(_ text: String) -> Bool {
    guard let layout = pango_cairo_create_layout(context) else { return false }
    defer { g_object_unref(UnsafeMutableRawPointer(layout)) }
    let font = pango_font_description_from_string("DejaVu Sans 10")
    defer { pango_font_description_free(font) }
    pango_layout_set_font_description(layout, font)
    pango_layout_set_text(layout, text, -1)
    return pango_layout_get_unknown_glyphs_count(layout) == 0
  }
}

/// Horizontal alignment of text.
enum TextAlignment {
  case left, centre, right
}
