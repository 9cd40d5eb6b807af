internal import CCairo
import Foundation
import GDALKit
import GeoCore
import PROJKit

/// A shaded relief drawn under the data: the hillshade of an elevation raster
/// (Horn's slope, light from the north-west at 45°), as grey levels, on a grid
/// in the map's CRS.
public struct Hillshade: Sendable {
  /// Grey levels, row by row from the top (0 black, 255 white).
  public var pixels: [UInt8]
  /// Whether each pixel has data (no data is left transparent).
  public var hasData: [Bool]
  /// Columns.
  public var width: Int
  /// Rows.
  public var height: Int
  /// GDAL's geotransform of the grid, in `crs`.
  public var geoTransform: [Double]
  /// The grid's CRS: the map's.
  public var crs: CRS

  /// The largest side of the warped grid, in pixels (a print page needs fewer).
  static let largestSide = 3_000

  /// The hillshade of band `band` of `path`, warped from the raster's CRS (or
  /// `assumed` when it declares none) onto `map`'s CRS over `extent`, at about
  /// the raster's own resolution. Pixels without data stay transparent, and the
  /// slope at the edge of the data is taken from the data alone, so that the
  /// edge is clean.
  /// - Throws: `MapError.cannotDraw` for a raster without CRS or without data
  ///   over the map, `GDALError`.
  public init(
    path: String, band: Int = 1, crs assumed: CRS? = nil, map: CRS, extent: Envelope
  ) throws {
    let raster = try RasterDataset(path: path)
    guard let source = assumed ?? raster.crs else {
      throw MapError.backgroundWithoutCRS(path: path)
    }
    guard let sourceExtent = raster.extent, raster.width > 0, raster.height > 0 else {
      throw MapError.cannotDraw(path: path, reason: "the raster has no extent")
    }
    // The raster's pixel size, measured in the map's CRS.
    let onMap = try Transformer(from: source, to: map).transformBounds(sourceExtent)
    let pixel = max(
      onMap.width / Double(raster.width), onMap.height / Double(raster.height),
      max(extent.width, extent.height) / Double(Self.largestSide))
    let w = max(2, Int((extent.width / pixel).rounded(.up)))
    let h = max(2, Int((extent.height / pixel).rounded(.up)))
    let grid = Envelope(
      minX: extent.minX, minY: extent.maxY - Double(h) * pixel,
      maxX: extent.minX + Double(w) * pixel, maxY: extent.maxY)
    let z = try raster.warped(
      band: band, to: map, bounds: grid, width: w, height: h, resampling: "bilinear",
      sourceCRS: assumed)
    let noData = try raster.noDataValue(band: band)
    let valid = z.map { !$0.isNaN && Double($0) != noData }
    guard valid.contains(true) else {
      throw MapError.cannotDraw(
        path: path,
        reason: "the raster has no data over the map's extent; give a raster that covers the map")
    }
    let azimuth = 315.0 * .pi / 180
    let altitude = 45.0 * .pi / 180
    var pixels = [UInt8](repeating: 255, count: w * h)
    for row in 0..<h {
      for column in 0..<w where valid[row * w + column] {
        let centre = Double(z[row * w + column])
        // A neighbour off the grid or without data takes the centre's height.
        func value(_ c: Int, _ r: Int) -> Double {
          guard c >= 0, c < w, r >= 0, r < h, valid[r * w + c] else { return centre }
          return Double(z[r * w + c])
        }
        let (a, b, c) = (
          value(column - 1, row - 1), value(column, row - 1), value(column + 1, row - 1)
        )
        let (d, f) = (value(column - 1, row), value(column + 1, row))
        let (g, hh, i) = (
          value(column - 1, row + 1), value(column, row + 1), value(column + 1, row + 1)
        )
        let dzdx = ((c + 2 * f + i) - (a + 2 * d + g)) / (8 * pixel)
        let dzdy = ((g + 2 * hh + i) - (a + 2 * b + c)) / (8 * pixel)
        let slope = atan((dzdx * dzdx + dzdy * dzdy).squareRoot())
        let aspect = atan2(dzdy, -dzdx)
        let shade =
          sin(altitude) * cos(slope) + cos(altitude) * sin(slope) * cos(azimuth - .pi / 2 - aspect)
        pixels[row * w + column] = UInt8(max(0, min(255, (shade * 255).rounded())))
      }
    }
    self.pixels = pixels
    hasData = valid
    width = w
    height = h
    geoTransform = [grid.minX, pixel, 0, grid.maxY, 0, -pixel]
    crs = map
  }
}

extension Canvas {
  /// Paints `shade` with its pixels placed by `place` (map coordinates to
  /// page); pixels without data are transparent.
  func paint(_ shade: Hillshade, place: (SIMD2<Double>) -> SIMD2<Double>) {
    let stride = Int(cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, Int32(shade.width)))
    guard
      let image = cairo_image_surface_create(
        CAIRO_FORMAT_ARGB32, Int32(shade.width), Int32(shade.height))
    else { return }
    defer { cairo_surface_destroy(image) }
    cairo_surface_flush(image)
    let data = cairo_image_surface_get_data(image)!
    for row in 0..<shade.height {
      let line = (data + row * stride).withMemoryRebound(to: UInt32.self, capacity: shade.width) {
        $0
      }
      for column in 0..<shade.width {
        let index = row * shade.width + column
        let grey = UInt32(shade.pixels[index])
        // Premultiplied ARGB: a transparent pixel is all zeros.
        line[column] = shade.hasData[index] ? 0xFF00_0000 | grey << 16 | grey << 8 | grey : 0
      }
    }
    cairo_surface_mark_dirty(image)
    let t = shade.geoTransform
    let origin = place(SIMD2(t[0], t[3]))
    let corner = place(SIMD2(t[0] + Double(shade.width) * t[1], t[3] + Double(shade.height) * t[5]))
    save()
    cairo_translate(context, origin.x, origin.y)
    cairo_scale(
      context, (corner.x - origin.x) / Double(shade.width),
      (corner.y - origin.y) / Double(shade.height))
    cairo_set_source_surface(context, image, 0, 0)
    // Nearest-neighbour at the edge of the data would be jagged, bilinear
    // blends into the transparent pixels: a soft, clean edge.
    cairo_pattern_set_filter(cairo_get_source(context), CAIRO_FILTER_BILINEAR)
    cairo_paint(context)
    restore()
  }
}
