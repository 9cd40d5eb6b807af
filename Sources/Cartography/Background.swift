internal import CCairo
import Foundation
import GDALKit
import PROJKit

/// A shaded relief drawn under the data: the hillshade of an elevation raster
/// (Horn's slope, light from the north-west at 45°), as grey levels.
public struct Hillshade: Sendable {
  /// Grey levels, row by row from the top (0 black, 255 white).
  public var pixels: [UInt8]
  /// Columns.
  public var width: Int
  /// Rows.
  public var height: Int
  /// GDAL's geotransform of the raster, in its CRS.
  public var geoTransform: [Double]
  /// The raster's CRS.
  public var crs: CRS

  /// The hillshade of band `band` of `path` (nodata pixels are white).
  /// - Throws: `GDALError`, `MapError.cannotDraw` for a raster without CRS or rotated.
  public init(path: String, band: Int = 1, crs assumed: CRS? = nil) throws {
    let raster = try RasterDataset(path: path)
    guard let crs = assumed ?? raster.crs else {
      throw MapError.cannotDraw(path: path, reason: "the raster declares no CRS")
    }
    guard let t = raster.geoTransform, t[2] == 0, t[4] == 0 else {
      throw MapError.cannotDraw(
        path: path, reason: "only north-up rasters can be shaded; warp it first")
    }
    let (w, h) = (raster.width, raster.height)
    let z = try raster.read(
      band: band, window: RasterWindow(column: 0, row: 0, width: w, height: h))
    let noData = try raster.noDataValue(band: band)
    let (dx, dy) = (t[1], -t[5])
    let azimuth = 315.0 * .pi / 180
    let altitude = 45.0 * .pi / 180
    var pixels = [UInt8](repeating: 255, count: w * h)
    func value(_ column: Int, _ row: Int) -> Double {
      let c = min(max(column, 0), w - 1)
      let r = min(max(row, 0), h - 1)
      return z[r * w + c]
    }
    for row in 0..<h {
      for column in 0..<w {
        let centre = z[row * w + column]
        if centre.isNaN || centre == noData { continue }
        let (a, b, c) = (
          value(column - 1, row - 1), value(column, row - 1), value(column + 1, row - 1)
        )
        let (d, f) = (value(column - 1, row), value(column + 1, row))
        let (g, hh, i) = (
          value(column - 1, row + 1), value(column, row + 1), value(column + 1, row + 1)
        )
        let dzdx = ((c + 2 * f + i) - (a + 2 * d + g)) / (8 * dx)
        let dzdy = ((g + 2 * hh + i) - (a + 2 * b + c)) / (8 * dy)
        let slope = atan((dzdx * dzdx + dzdy * dzdy).squareRoot())
        let aspect = atan2(dzdy, -dzdx)
        let shade =
          sin(altitude) * cos(slope) + cos(altitude) * sin(slope) * cos(azimuth - .pi / 2 - aspect)
        pixels[row * w + column] = UInt8(max(0, min(255, (shade * 255).rounded())))
      }
    }
    self.pixels = pixels
    width = w
    height = h
    geoTransform = t
    self.crs = crs
  }
}

extension Canvas {
  /// Paints `shade` with its pixels placed by `place` (map coordinates to page),
  /// assuming the raster and the map share their CRS.
  func paint(_ shade: Hillshade, place: (SIMD2<Double>) -> SIMD2<Double>) {
    let stride = Int(cairo_format_stride_for_width(CAIRO_FORMAT_RGB24, Int32(shade.width)))
    guard
      let image = cairo_image_surface_create(
        CAIRO_FORMAT_RGB24, Int32(shade.width), Int32(shade.height))
    else { return }
    defer { cairo_surface_destroy(image) }
    cairo_surface_flush(image)
    let data = cairo_image_surface_get_data(image)!
    for row in 0..<shade.height {
      let line = (data + row * stride).withMemoryRebound(to: UInt32.self, capacity: shade.width) {
        $0
      }
      for column in 0..<shade.width {
        let grey = UInt32(shade.pixels[row * shade.width + column])
        line[column] = grey << 16 | grey << 8 | grey
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
    cairo_pattern_set_filter(cairo_get_source(context), CAIRO_FILTER_BILINEAR)
    cairo_paint(context)
    restore()
  }
}
