import Dispatch
import Foundation
import GDALKit
import GeoCore
import PROJKit
import Style
import Synchronization

/// `territory tiles RASTER -o OUT`: a raster rendered to 256 x 256 PNG tiles in
/// Web Mercator, zoom by zoom, into the same three containers as vector tiles.
///
/// For measures (elevation, hillshade), the zoom whose pixels match the
/// source's is warped once (GDAL, all cores); each tile of the higher zooms is
/// interpolated from it (bilinear) and lower zooms are averaged, as tile
/// pyramids are built; classes (colour tables), and rasters too large to
/// hold at the highest zoom, are warped zoom by zoom in blocks of 8 x 8 tiles
/// (mode or average when the zoom's pixels are larger than the source's). Tiles
/// are coloured and PNG-encoded on every core. Pixels without data are
/// transparent; tiles with no data at all are not written.
public enum RasterTileJob {
  /// How pixels become colours.
  public enum Colouring: Sendable {
    /// A colour ramp stretched over the band's range.
    case ramp(ColourRamp)
    /// A grey hillshade of an elevation model (GDAL's DEM processing).
    case hillshade
    /// The band's own colour table (classes such as land cover).
    case colourTable
  }

  /// The most tiles a pyramid may have unless told otherwise: a million PNG
  /// tiles is already tens of GB for a raster that fills them.
  public static let defaultMaximumTiles = 1_000_000

  /// Renders `input` to `output`.
  /// - Parameters:
  ///   - style: `nil` picks the band's colour table when it has one, else the terrain ramp.
  ///   - maximumTiles: the pyramid is refused up front when its zooms span more
  ///     tiles over the raster's extent than this.
  ///   - threads: threads that colour and encode tiles (every core by default).
  ///   - progress: called with each zoom's report as soon as the zoom is written.
  /// - Throws: `TilesError`, `GDALError`, `PROJError`, `OutputError`.
  public static func run(
    input: String, output: String, minZoom: Int, maxZoom: Int, style: Colouring?, assumedCRS: CRS?,
    policy: ExistingOutputPolicy, maximumTiles: Int = defaultMaximumTiles,
    threads: Int = ParallelChunks.defaultThreads, progress: (ZoomReport) -> Void = { _ in }
  ) throws -> [ZoomReport] {
    try VectorTileJob.checkZooms(minZoom, maxZoom)
    let kind = try TileOutputKind(path: output)
    try kind.refuseExisting(output, policy: policy)
    let raster = try RasterDataset(path: input)
    // The assumed CRS is for rasters that declare none; a declared CRS wins.
    let assumedCRS = raster.crs == nil ? assumedCRS : nil
    guard let crs = raster.crs ?? assumedCRS, let extent = raster.extent else {
      throw GDALError.missingCRS(path: input, layer: "band 1")
    }
    let mercator = try Transformer(from: crs, to: CRS("EPSG:3857")).transformBoundsWithinDomain(
      extent)
    let half = 20_037_508.342_789_244
    let bounds = Envelope(
      minX: max(-half, mercator.minX), minY: max(-half, mercator.minY),
      maxX: min(half, mercator.maxX), maxY: min(half, mercator.maxY))
    let sourcePixel = mercator.width / Double(raster.width)
    let plan = TilePlan(bounds: bounds, half: half)
    // Counted before any pixel is read: refused at once, not after hours.
    let total = (minZoom...maxZoom).reduce(0) { $0 + plan.tiles($1).count }
    guard total <= maximumTiles else {
      throw TilesError.tooManyTiles(
        path: input, count: total, maximum: maximumTiles, zooms: minZoom...maxZoom)
    }
    let table = try raster.colourTable(band: 1)
    let style = try style ?? (table != nil ? .colourTable : .ramp(ColourRamp(name: "terrain")))
    let source =
      if case .hillshade = style { try raster.hillshade(crs: assumedCRS) } else { raster }
    if case .colourTable = style, table == nil {
      throw TilesError.noColourTable(path: input)
    }
    let categorical = if case .colourTable = style { true } else { false }
    // The band's range (GDAL reads every pixel for it), except for the sparse
    // path below, which takes it from the pixels it warped.
    func painter(_ range: ClosedRange<Double>? = nil) throws -> Painter {
      Painter(style: style, range: try range ?? source.range(band: 1), table: table ?? [])
    }
    let toSource = try Transformer.unlessEquivalent(from: CRS("EPSG:3857"), to: crs)
    let sink = try kind.sink(path: output, format: .png, policy: policy)
    var reports: [ZoomReport] = []
    func emit(_ zoom: Int, _ rendered: [(TileAddress, [UInt8])]) throws {
      var report = ZoomReport(zoom: zoom)
      let tiles = rendered.sorted(by: { $0.0 < $1.0 })
      try sink.write(batch: tiles)
      for (_, png) in tiles {
        report.tiles += 1
        report.bytes += png.count
        report.largestTile = max(report.largestTile, png.count)
      }
      progress(report)
      reports.append(report)
    }
    do {
      // Tiles of each zoom from the fastest way that fits: the highest zoom warped
      // once and the lower ones averaged from it (measures, up to 64 M pixels), else
      // each zoom warped on its own in blocks (classes, or very large rasters).
      // The zoom whose pixels are about the source's: warped once; zooms above
      // are interpolated from it (bilinear, doubling), zooms below averaged.
      let native = min(
        maxZoom, max(minZoom, Int(log2(2 * half / 256 / sourcePixel).rounded(.up))))
      let pyramid = !categorical && plan.tiles(native).count * 65_536 <= 64 << 20
      if pyramid {
        let paint = try painter()
        var byZoom: [Int: [(TileAddress, [UInt8])]] = [:]
        let base = plan.tiles(native)
        let warped = ValueGrid(
          zoom: native, x0: base.x0, y0: base.y0, columns: base.columns, rows: base.rows,
          values: try source.warpedToWebMercator(
            band: 1, bounds: plan.box(native, base.x0, base.y0, base.columns, base.rows),
            width: base.columns * 256, height: base.rows * 256,
            resampling: plan.tileSize(native) / 256 > sourcePixel ? "average" : "bilinear",
            sourceCRS: assumedCRS))
        byZoom[native] = try render(warped, paint: paint, threads: threads)
        if native < maxZoom {
          for zoom in (native + 1)...maxZoom {
            let range = plan.tiles(zoom)
            byZoom[zoom] = try render(
              zoom: zoom, x: range.x0, y: range.y0, columns: range.columns, rows: range.rows,
              paint: paint, threads: threads
            ) { column, row in
              warped.interpolated(zoom: zoom, x: range.x0 + column, y: range.y0 + row)
            }
          }
        }
        var grid = warped
        while grid.zoom > minZoom {
          grid = grid.halved()
          byZoom[grid.zoom] = try render(grid, paint: paint, threads: threads)
        }
        for zoom in minZoom...maxZoom { try emit(zoom, byZoom[zoom] ?? []) }
      } else if !categorical,
        let sparse = try SparseTiles.warp(
          raster, source: source, plan: plan, zoom: native,
          resampling: plan.tileSize(native) / 256 > sourcePixel ? "average" : "bilinear",
          assumedCRS: assumedCRS, toSource: toSource, limit: 4_096)
      {
        // Mostly empty and too large to hold whole: only the tiles with data.
        let paint = try painter(sparse.range ?? 0...1)
        var levels = [native: sparse]
        var level = sparse
        while level.zoom > minZoom {
          level = level.halved()
          levels[level.zoom] = level
        }
        for zoom in minZoom...maxZoom {
          if let tiles = levels[zoom] {
            let addresses = tiles.addresses(at: zoom)
            try emit(
              zoom,
              try render(addresses, paint: paint, threads: threads) {
                tiles.tiles[SIMD2($0.x, $0.y)]!
              })
          } else {
            try emit(
              zoom,
              try render(sparse.addresses(at: zoom), paint: paint, threads: threads) {
                sparse.interpolated($0)
              })
          }
        }
      } else {
        let paint = try painter()
        for zoom in minZoom...maxZoom {
          let range = plan.tiles(zoom)
          let resampling =
            categorical
            ? (plan.tileSize(zoom) / 256 > sourcePixel ? "mode" : "near")
            : (plan.tileSize(zoom) / 256 > sourcePixel ? "average" : "bilinear")
          var tiles: [(TileAddress, [UInt8])] = []
          for bx in stride(from: range.x0, to: range.x0 + range.columns, by: 8) {
            for by in stride(from: range.y0, to: range.y0 + range.rows, by: 8) {
              let columns = min(8, range.x0 + range.columns - bx)
              let rows = min(8, range.y0 + range.rows - by)
              // A block over blocks of the file that were never written is empty.
              let block = plan.box(zoom, bx, by, columns, rows)
              let inSource = try toSource.map { try $0.transformBounds(block) } ?? block
              guard try raster.mayHoldData(band: 1, in: inSource) else { continue }
              let values = try source.warpedToWebMercator(
                band: 1, bounds: plan.box(zoom, bx, by, columns, rows), width: columns * 256,
                height: rows * 256, resampling: resampling, sourceCRS: assumedCRS)
              tiles += try render(
                ValueGrid(zoom: zoom, x0: bx, y0: by, columns: columns, rows: rows, values: values),
                paint: paint, threads: threads)
            }
          }
          try emit(zoom, tiles)
        }
      }
      let lonLat = try Transformer(from: crs, to: CRS.wgs84).transformBoundsWithinDomain(extent)
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

  /// The PNG tiles of one grid of values (tiles without data are left out).
  private static func render(_ grid: ValueGrid, paint: Painter, threads: Int) throws -> [(
    TileAddress, [UInt8]
  )] {
    try render(
      zoom: grid.zoom, x: grid.x0, y: grid.y0, columns: grid.columns, rows: grid.rows, paint: paint,
      threads: threads
    ) { column, row in grid.tile(column, row) }
  }

  /// The PNG tiles of a block of tiles whose values `values(column, row)` gives,
  /// 256 x 256 floats each (tiles without data are left out).
  private static func render(
    zoom: Int, x: Int, y: Int, columns: Int, rows: Int, paint: Painter, threads: Int,
    values: @Sendable (Int, Int) -> [Float]
  ) throws -> [(TileAddress, [UInt8])] {
    let addresses = (0..<(columns * rows)).map {
      TileAddress(z: zoom, x: x + $0 % columns, y: y + $0 / columns)
    }
    return try render(addresses, paint: paint, threads: threads) { address in
      values(address.x - x, address.y - y)
    }
  }

  /// The PNG tiles at `addresses`, whose values `values(address)` gives, 256 x
  /// 256 floats each (tiles without data are left out), on `threads` threads.
  private static func render(
    _ addresses: [TileAddress], paint: Painter, threads: Int,
    values: @Sendable (TileAddress) -> [Float]
  ) throws -> [(TileAddress, [UInt8])] {
    try ParallelChunks.map(addresses, threads: threads, rangesPerThread: 4) {
      address throws(GDALError) -> (TileAddress, [UInt8])? in
      let tile = values(address)
      var rgba = [UInt8](repeating: 0, count: 256 * 256 * 4)
      var any = false
      for pixel in 0..<65_536 {
        let value = tile[pixel]
        guard !value.isNaN, let colour = paint.colour(Double(value)) else { continue }
        any = true
        let offset = pixel * 4
        rgba[offset] = colour.x
        rgba[offset + 1] = colour.y
        rgba[offset + 2] = colour.z
        rgba[offset + 3] = colour.w
      }
      guard any else { return nil }
      let (pixels, bands) = compact(rgba)
      let png = try PNGEncoder.encode(pixels: pixels, bands: bands, width: 256, height: 256)
      return (address, png)
    }.compactMap { $0 }
  }

  /// The tiles of a zoom that the bounds (Web Mercator metres) touch.
  struct TilePlan {
    let bounds: Envelope
    let half: Double

    func tileSize(_ zoom: Int) -> Double { 2 * half / Double(1 << zoom) }

    func tiles(_ zoom: Int) -> (x0: Int, y0: Int, columns: Int, rows: Int, count: Int) {
      let n = 1 << zoom
      let size = tileSize(zoom)
      let x0 = max(0, Int(((bounds.minX + half) / size).rounded(.down)))
      let x1 = min(n - 1, Int(((bounds.maxX + half) / size).rounded(.up)) - 1)
      let y0 = max(0, Int(((half - bounds.maxY) / size).rounded(.down)))
      let y1 = min(n - 1, Int(((half - bounds.minY) / size).rounded(.up)) - 1)
      return (x0, y0, x1 - x0 + 1, y1 - y0 + 1, (x1 - x0 + 1) * (y1 - y0 + 1))
    }

    /// The Web Mercator box of a block of tiles.
    func box(_ zoom: Int, _ x: Int, _ y: Int, _ columns: Int, _ rows: Int) -> Envelope {
      let size = tileSize(zoom)
      return Envelope(
        minX: -half + Double(x) * size, minY: half - Double(y + rows) * size,
        maxX: -half + Double(x + columns) * size, maxY: half - Double(y) * size)
    }
  }

  /// Values of a block of tiles at one zoom, 256 pixels per tile, NaN for no data.
  struct ValueGrid {
    var zoom: Int
    var x0: Int
    var y0: Int
    var columns: Int
    var rows: Int
    var values: [Float]

    /// The values of tile (`column`, `row`) of the block.
    func tile(_ column: Int, _ row: Int) -> [Float] {
      var out = [Float](repeating: .nan, count: 65_536)
      let width = columns * 256
      for line in 0..<256 {
        let start = (row * 256 + line) * width + column * 256
        for pixel in 0..<256 { out[line * 256 + pixel] = values[start + pixel] }
      }
      return out
    }

    /// The values of tile (x, y) at a zoom above this grid's, interpolated
    /// bilinearly from this grid's pixels; no data where the nearest pixel has none.
    func interpolated(zoom target: Int, x: Int, y: Int) -> [Float] {
      let scale = Double(1 << (target - zoom))
      let width = columns * 256
      let height = rows * 256
      var out = [Float](repeating: .nan, count: 65_536)
      func position(_ global: Int, _ origin: Int, _ limit: Int) -> (Int, Int, Float) {
        let u = (Double(global) + 0.5) / scale - 0.5 - Double(origin * 256)
        let low = Int(u.rounded(.down))
        let t = Float(u - Double(low))
        return (min(max(low, 0), limit - 1), min(max(low + 1, 0), limit - 1), t)
      }
      let columnTaps = (0..<256).map { position(x * 256 + $0, x0, width) }
      for line in 0..<256 {
        let (r0, r1, ty) = position(y * 256 + line, y0, height)
        for pixel in 0..<256 {
          let (c0, c1, tx) = columnTaps[pixel]
          let samples = (
            values[r0 * width + c0], values[r0 * width + c1], values[r1 * width + c0],
            values[r1 * width + c1]
          )
          let nearest =
            tx < 0.5 ? (ty < 0.5 ? samples.0 : samples.2) : (ty < 0.5 ? samples.1 : samples.3)
          if nearest.isNaN { continue }
          var sum: Float = 0
          var weight: Float = 0
          let weights = ((1 - tx) * (1 - ty), tx * (1 - ty), (1 - tx) * ty, tx * ty)
          if !samples.0.isNaN {
            sum += samples.0 * weights.0
            weight += weights.0
          }
          if !samples.1.isNaN {
            sum += samples.1 * weights.1
            weight += weights.1
          }
          if !samples.2.isNaN {
            sum += samples.2 * weights.2
            weight += weights.2
          }
          if !samples.3.isNaN {
            sum += samples.3 * weights.3
            weight += weights.3
          }
          out[line * 256 + pixel] = weight > 0 ? sum / weight : nearest
        }
      }
      return out
    }

    /// The grid of the zoom below: each pixel the mean of the four it covers
    /// (those with data), the block widened to whole parent tiles.
    func halved() -> ValueGrid {
      let left = x0 % 2
      let top = y0 % 2
      let parentColumns = (left + columns + 1) / 2
      let parentRows = (top + rows + 1) / 2
      let width = columns * 256
      let parentWidth = parentColumns * 256
      var out = [Float](repeating: .nan, count: parentWidth * parentRows * 256)
      for row in 0..<(parentRows * 256) {
        for column in 0..<parentWidth {
          var sum: Float = 0
          var count: Float = 0
          for dy in 0..<2 {
            let sourceRow = row * 2 + dy - top * 256
            guard sourceRow >= 0, sourceRow < rows * 256 else { continue }
            for dx in 0..<2 {
              let sourceColumn = column * 2 + dx - left * 256
              guard sourceColumn >= 0, sourceColumn < width else { continue }
              let value = values[sourceRow * width + sourceColumn]
              if !value.isNaN {
                sum += value
                count += 1
              }
            }
          }
          if count > 0 { out[row * parentWidth + column] = sum / count }
        }
      }
      return ValueGrid(
        zoom: zoom - 1, x0: x0 / 2, y0: y0 / 2, columns: parentColumns, rows: parentRows,
        values: out)
    }
  }

  /// The fewest bands that hold the tile: grey without colour, no alpha when
  /// every pixel is opaque (a hillshade tile is a quarter of its RGBA size to compress).
  static func compact(_ rgba: [UInt8]) -> ([UInt8], Int) {
    var grey = true
    var opaque = true
    for offset in stride(from: 0, to: rgba.count, by: 4) {
      if rgba[offset] != rgba[offset + 1] || rgba[offset] != rgba[offset + 2] { grey = false }
      if rgba[offset + 3] != 255 { opaque = false }
      if !grey && !opaque { return (rgba, 4) }
    }
    let keep: [Int] = grey ? (opaque ? [0] : [0, 3]) : [0, 1, 2]
    var out = [UInt8]()
    out.reserveCapacity(rgba.count / 4 * keep.count)
    for offset in stride(from: 0, to: rgba.count, by: 4) {
      for band in keep { out.append(rgba[offset + band]) }
    }
    return (out, keep.count)
  }

  /// Value to RGBA for one style.
  struct Painter: Sendable {
    let style: Colouring
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
