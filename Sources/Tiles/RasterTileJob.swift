import Dispatch
import Foundation
import GDALKit
import GeoCore
import PROJKit
import Synchronization

/// `territory tiles RASTER -o OUT`: a raster rendered to 256 x 256 PNG tiles in
/// Web Mercator, zoom by zoom, into the same three containers as vector tiles.
///
/// Each zoom is warped from the source (GDAL, all cores) in blocks of at most
/// 16 x 16 tiles, averaging when the zoom's pixels are larger than the source's;
/// then the block's tiles are coloured and PNG-encoded in parallel. Pixels
/// without data are transparent; tiles with no data at all are not written.
public enum RasterTileJob {
  /// How pixels become colours.
  public enum Style: Sendable {
    /// A colour ramp stretched over the band's range.
    case ramp(ColourRamp)
    /// A grey hillshade of an elevation model (GDAL's DEM processing).
    case hillshade
    /// The band's own colour table (classes such as land cover).
    case colourTable
  }

  /// Renders `input` to `output`.
  /// - Parameter style: `nil` picks the band's colour table when it has one, else the terrain ramp.
  /// - Throws: `TilesError`, `GDALError`, `PROJError`, `OutputError`.
  public static func run(
    input: String, output: String, minZoom: Int, maxZoom: Int, style: Style?, assumedCRS: CRS?,
    policy: ExistingOutputPolicy, progress: (ZoomReport) -> Void = { _ in }
  ) throws -> [ZoomReport] {
    try VectorTileJob.checkZooms(minZoom, maxZoom)
    let kind = try TileOutputKind(path: output)
    if policy == .refuse, FileManager.default.fileExists(atPath: output) {
      throw OutputError.exists(path: output)
    }
    let raster = try RasterDataset(path: input)
    guard let crs = assumedCRS ?? raster.crs, let extent = raster.extent else {
      throw TilesError.missingCRS(path: input, layer: "band 1")
    }
    let style =
      try style
      ?? (raster.colourTable(band: 1) != nil ? .colourTable : .ramp(ColourRamp(name: "terrain")))
    let source =
      if case .hillshade = style { try raster.hillshade(crs: assumedCRS) } else { raster }
    let table = try raster.colourTable(band: 1)
    if case .colourTable = style, table == nil {
      throw TilesError.badOption(
        option: "--color-ramp", value: "(none)", expected: "a ramp: \(input) has no colour table")
    }
    let range = try source.range(band: 1)
    let categorical = if case .colourTable = style { true } else { false }
    let mercator = try Transformer(from: crs, to: CRS("EPSG:3857")).transformBounds(extent)
    let half = 20_037_508.342_789_244
    let bounds = Envelope(
      minX: max(-half, mercator.minX), minY: max(-half, mercator.minY),
      maxX: min(half, mercator.maxX), maxY: min(half, mercator.maxY))
    let sourcePixel = mercator.width / Double(raster.width)
    let paint = Painter(style: style, range: range, table: table ?? [])
    let sink = try kind.sink(path: output, format: .png, policy: policy)
    do {
      var reports: [ZoomReport] = []
      for zoom in minZoom...maxZoom {
        let n = 1 << zoom
        let tileSize = 2 * half / Double(n)
        let x0 = max(0, Int(((bounds.minX + half) / tileSize).rounded(.down)))
        let x1 = min(n - 1, Int(((bounds.maxX + half) / tileSize).rounded(.up)) - 1)
        let y0 = max(0, Int(((half - bounds.maxY) / tileSize).rounded(.down)))
        let y1 = min(n - 1, Int(((half - bounds.minY) / tileSize).rounded(.up)) - 1)
        let downsampling = tileSize / 256 > sourcePixel
        let resampling =
          categorical ? (downsampling ? "mode" : "near") : (downsampling ? "average" : "bilinear")
        var tiles: [(TileAddress, [UInt8])] = []
        for bx in stride(from: x0, through: x1, by: 16) {
          for by in stride(from: y0, through: y1, by: 16) {
            let columns = min(16, x1 - bx + 1)
            let rows = min(16, y1 - by + 1)
            let block = Envelope(
              minX: -half + Double(bx) * tileSize, minY: half - Double(by + rows) * tileSize,
              maxX: -half + Double(bx + columns) * tileSize, maxY: half - Double(by) * tileSize)
            let values = try source.warpedToWebMercator(
              band: 1, bounds: block, width: columns * 256, height: rows * 256,
              resampling: resampling,
              sourceCRS: assumedCRS)
            tiles += try render(
              values, columns: columns, rows: rows, zoom: zoom, x: bx, y: by, paint: paint)
          }
        }
        tiles.sort { $0.0 < $1.0 }
        var report = ZoomReport(zoom: zoom)
        for (address, png) in tiles {
          try sink.write(address, png)
          report.tiles += 1
          report.bytes += png.count
          report.largestTile = max(report.largestTile, png.count)
        }
        progress(report)
        reports.append(report)
      }
      let lonLat = try Transformer(from: crs, to: CRS.wgs84).transformBounds(extent)
      try sink.finish(
        TileSetMetadata(
          name: URL(fileURLWithPath: input).deletingPathExtension().lastPathComponent,
          description:
            "Raster tiles of \(URL(fileURLWithPath: input).lastPathComponent) made by territory",
          format: .png, minZoom: minZoom, maxZoom: maxZoom, bounds: lonLat, vectorLayers: []))
      return reports
    } catch {
      sink.discard()
      throw error
    }
  }

  /// The PNG tiles of one warped block (tiles without data are left out).
  private static func render(
    _ values: [Float], columns: Int, rows: Int, zoom: Int, x: Int, y: Int, paint: Painter
  ) throws -> [(TileAddress, [UInt8])] {
    let results = Mutex([(TileAddress, [UInt8])?](repeating: nil, count: columns * rows))
    let failure = Mutex<GDALError?>(nil)
    let width = columns * 256
    DispatchQueue.concurrentPerform(iterations: columns * rows) { index in
      let column = index % columns
      let row = index / columns
      var rgba = [UInt8](repeating: 0, count: 256 * 256 * 4)
      var any = false
      for line in 0..<256 {
        let start = (row * 256 + line) * width + column * 256
        for pixel in 0..<256 {
          let value = values[start + pixel]
          guard !value.isNaN, let colour = paint.colour(Double(value)) else { continue }
          any = true
          let offset = (line * 256 + pixel) * 4
          rgba[offset] = colour.x
          rgba[offset + 1] = colour.y
          rgba[offset + 2] = colour.z
          rgba[offset + 3] = colour.w
        }
      }
      guard any else { return }
      do throws(GDALError) {
        let png = try PNGEncoder.encode(rgba: rgba, width: 256, height: 256)
        results.withLock { $0[index] = (TileAddress(z: zoom, x: x + column, y: y + row), png) }
      } catch {
        failure.withLock { $0 = $0 ?? error }
      }
    }
    if let error = failure.withLock({ $0 }) { throw error }
    return results.withLock { $0.compactMap { $0 } }
  }

  /// Value to RGBA for one style.
  struct Painter: Sendable {
    let style: Style
    let range: ClosedRange<Double>
    let table: [SIMD4<UInt8>]

    func colour(_ value: Double) -> SIMD4<UInt8>? {
      switch style {
      case .hillshade:
        // GDAL's hillshade keeps 0 for nodata.
        guard value >= 1 else { return nil }
        let grey = UInt8(min(255, max(1, value.rounded())))
        return SIMD4(grey, grey, grey, 255)
      case .colourTable:
        let index = Int(value.rounded())
        guard index >= 0, index < table.count, table[index].w > 0 else { return nil }
        return table[index]
      case .ramp(let ramp):
        // Elevation at or below sea level is water, not lowland.
        if ramp.name == "terrain" && value <= 0 { return SIMD4(0xB3, 0xD4, 0xE8, 255) }
        let span = range.upperBound - range.lowerBound
        let c = ramp.colour(at: span > 0 ? (value - range.lowerBound) / span : 0.5)
        return SIMD4(c.x, c.y, c.z, 255)
      }
    }
  }
}
