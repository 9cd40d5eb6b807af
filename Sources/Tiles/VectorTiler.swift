import Dispatch
import GDALKit
import GeoCore
import Synchronization

/// What happened at one zoom.
public struct ZoomReport: Sendable, Equatable {
  /// The zoom.
  public var zoom: Int
  /// Tiles written (empty tiles are not written).
  public var tiles = 0
  /// Features written, summed over tiles (a feature in four tiles counts four times).
  public var features = 0
  /// Bytes written, as stored.
  public var bytes = 0
  /// The largest tile, as stored.
  public var largestTile = 0
  /// Feature pieces too small to draw at this zoom (shrank below a tile unit).
  public var tooSmall = 0
  /// Pixel-sized squares standing for polygons too small to draw (`TileDust`).
  public var dust = 0
  /// Feature pieces dropped to keep tiles within the limits.
  public var droppedForLimits = 0
  /// Tiles that had to shed features to fit.
  public var tilesOverLimit = 0
  /// Pieces whose rings rounding made invalid, repaired with GEOS.
  public var repaired = 0
  /// The total of the accumulated fields carried from dropped pieces onto kept ones.
  public var carried = 0.0
  /// The total of the accumulated fields of dropped pieces that had no kept
  /// feature of their layer left in their tile.
  public var uncarried = 0.0

  /// An empty report for `zoom`.
  public init(zoom: Int) { self.zoom = zoom }
}

/// Options of the vector tiler.
public struct VectorTileOptions: Sendable {
  /// Lowest zoom.
  public var minZoom = 0
  /// Highest zoom.
  public var maxZoom = 14
  /// Tile units across a tile.
  public var extent = 4096
  /// Tile units kept around each tile: 80, five pixels of a 256-pixel tile, as
  /// tippecanoe's and GDAL's defaults.
  public var buffer = 80
  /// Douglas–Peucker tolerance below the highest zoom, in pixels of a 256-pixel
  /// tile; at the highest zoom the tolerance is one tile unit, so that maps
  /// zoomed in beyond it stay exact.
  public var simplification = 1.0
  /// Tile size and feature limits.
  public var limits = TileLimits()
  /// Worker threads (every core by default); the tiles do not depend on it.
  public var threads = ParallelChunks.defaultThreads
  /// Keep polygons too small to draw at a zoom as pixel-sized squares (`TileDust`)
  /// where no drawn neighbour covers them, instead of letting them vanish.
  public var dust = true
  /// From how many features (and dust squares) a tile is built alone, its
  /// features cut on every thread, rather than beside other tiles on one: two
  /// full tiles of 105,000 cells built at once held about 45 MB each
  /// (heaptrack). Not public: tests lower it to reach that path with small layers.
  var bigTileMembers = 16_384
  /// From how many pieces a full tile is fitted to its limits from its largest
  /// pieces up (`VectorTiler.fitLargest`) rather than by first encoding all of
  /// them: half of this is the first try. Not public: tests lower it.
  var probePieces = 32_768
  /// How many tiles of a zoom are built before they are handed to the output,
  /// in tile-id order: the tiles of a whole zoom were held until its end, 15 MB
  /// at zoom 12 of 35,000 communes and more at each zoom past it. Not public:
  /// tests lower it.
  var windowTiles = 4_096
  /// Shows each zoom's tiles while they are cut (the command line's bar).
  public var progress: (any ProgressDisplay)?

  /// The defaults.
  public init() {}
}

/// Cuts layers into Mapbox Vector Tiles, zoom by zoom: simplify (shared borders
/// once for both sides), assign features to tiles, then cut, clean, limit and
/// encode the tiles of the zoom in parallel, and hand them to the sink in tile-id
/// order.
struct VectorTiler: Sendable {
  /// The layers; polygon features keep their box and attributes, their
  /// coordinates are in `borders`.
  let layers: [TileLayer]
  let options: VectorTileOptions
  /// Per layer, the indices of the fields summed onto kept features.
  let accumulated: [[Int]]
  /// Per layer, its polygons as shared borders: every zoom's polygons come from them.
  let borders: [SharedBorders]
  /// Per layer and feature, the area of a polygon feature in unit-square units
  /// (dust squares carry it); 0 for other features.
  let areas: [[Double]]

  /// A tiler of `layers`. The shared borders take the polygons' own
  /// coordinates as they are built, a copy of every vertex less for the zooms to
  /// hold (the caller hands over its only copy of the layers).
  init(layers: consuming [TileLayer], options: VectorTileOptions, accumulated: [[Int]]) {
    areas = layers.map { $0.features.map { TileDust.unitArea($0.geometry) } }
    var shared: [SharedBorders] = []
    FreedMemory.release()
    for l in layers.indices {
      shared.append(SharedBorders(taking: &layers[l].features, threads: options.threads))
      FreedMemory.release()
    }
    borders = shared
    self.layers = layers
    self.options = options
    self.accumulated = accumulated
  }

  func run(into sink: any TileSink, progress: (ZoomReport) -> Void) throws -> [ZoomReport] {
    var reports: [ZoomReport] = []
    let compress = sink.compressesTiles
    let zooms = Array(options.minZoom...options.maxZoom)
    // One zoom at a time; the next zoom is prepared on another thread while this
    // one's tiles are built: from the start when none of its tiles is big, else
    // once the last big tile is cut. A big tile's cleaning and encoding run on
    // one thread, so the other core prepares the next zoom meanwhile, and two
    // zooms' shapes are never held beside a full tile's pieces, as they were
    // when zooms were prepared in pairs.
    var pending = PendingZoom(preparing: zooms[0], with: self, inBackground: false)
    for (position, number) in zooms.enumerated() {
      var zoom = pending.take()
      let next = position + 1 < zooms.count ? zooms[position + 1] : nil
      let background = options.threads > 1
      // Tiles of many features are built one at a time, each cut on every
      // thread (`bigTileMembers`); the others side by side.
      let isBig = zoom.addresses.map { zoom.buckets[$0]!.count >= options.bigTileMembers }
      let lastBig = isBig.lastIndex(of: true)
      if lastBig == nil, let next {
        pending = PendingZoom(preparing: next, with: self, inBackground: background)
      }
      var report = ZoomReport(zoom: number)
      report.tooSmall = zoom.vanished
      report.dust = zoom.dust
      let count = zoom.addresses.count
      try options.progress.step("tiling zoom \(number)", total: count, unit: "tiles") { step in
        // The tiles are built and handed to the sink window by window, in
        // tile-id order, so that no more than a window's tiles are held.
        for start in stride(from: 0, to: count, by: options.windowTiles) {
          let window = start..<min(count, start + options.windowTiles)
          let isLastWindow = window.upperBound == count
          var built = try buildSmall(
            zoom, window, isBig: isBig, compress: compress, step: step
          ).makeIterator()
          var results: [TileResult] = []
          results.reserveCapacity(window.count)
          for index in window {
            guard isBig[index] else {
              results.append(built.next()!)
              continue
            }
            let address = zoom.addresses[index]
            let (kept, dropped, result) = cutAll(
              address, zoom.buckets[address]!, zoom.shapes, threads: options.threads)
            if index == lastBig {
              // The shapes go once no tile needs them: with the last window.
              if isLastWindow { zoom.letShapesGo() }
              if let next {
                pending = PendingZoom(preparing: next, with: self, inBackground: background)
              }
            }
            results.append(
              try finish(
                kept: kept, dropped: dropped, result: result, compress: compress,
                threads: options.threads))
            step.advance()
          }
          try sink.write(batch: VectorTiler.add(results, of: zoom.addresses[window], to: &report))
        }
      }
      // The zoom's tiles, cut on the worker threads, were freed into those
      // threads' arenas: their pages go back before the next zoom grows (8,750
      // communes at zooms 0-12 peaked 9-12 MiB higher without it).
      FreedMemory.release()
      progress(report)
      reports.append(report)
    }
    return reports
  }

  /// The tiles of `window` (indices into the zoom's addresses) that are not big,
  /// built side by side, in tile-id order.
  private func buildSmall(
    _ zoom: borrowing PreparedZoom, _ window: Range<Int>, isBig: [Bool], compress: Bool,
    step: StepProgress
  ) throws -> [TileResult] {
    let small = window.filter { !isBig[$0] }
    let addresses = zoom.addresses
    let shapes = zoom.shapes
    let buckets = zoom.buckets
    return try ParallelChunks.map(small, threads: options.threads, rangesPerThread: 16) {
      index in
      let address = addresses[index]
      defer { step.advance() }
      return try build(address, buckets[address]!, shapes, compress: compress)
    }
  }

  /// A zoom being prepared, on another thread or already done; `zoom` is written
  /// before the group is left and read after it is waited for.
  private final class PendingZoom: @unchecked Sendable {
    private let group = DispatchGroup()
    private var zoom: PreparedZoom?

    /// Prepares `number` with `tiler`, on another thread when `inBackground`.
    init(preparing number: Int, with tiler: VectorTiler, inBackground: Bool) {
      guard inBackground else {
        zoom = tiler.prepare(zoom: number)
        return
      }
      group.enter()
      DispatchQueue.global().async {
        self.zoom = tiler.prepare(zoom: number)
        self.group.leave()
      }
    }

    /// The prepared zoom, once ready; this object lets go of it.
    func take() -> PreparedZoom {
      group.wait()
      defer { zoom = nil }
      return zoom!
    }
  }

  /// One zoom ready to be cut: its layers' shapes, and the features of each tile.
  private struct PreparedZoom {
    var zoom: Int
    var shapes: [ZoomLayer]
    /// Per tile, (layer << 32 | index of the shape) of what its box touches.
    var buckets: [TileAddress: [Int]]
    /// The tiles, in tile-id order.
    var addresses: [TileAddress]
    /// Polygon features left out (too small to draw, or stood for by dust).
    var vanished: Int
    /// The number of dust squares.
    var dust: Int

    /// Lets go of the shapes and the tiles' members, once every tile is cut.
    mutating func letShapesGo() {
      shapes = []
      buckets = [:]
    }
  }

  /// Simplifies the layers for `zoom` and assigns their features to tiles.
  private func prepare(zoom: Int) -> PreparedZoom {
    // Tolerance in tile units: a pixel of a 256-pixel tile, one unit at the top zoom.
    let tolerance =
      zoom == options.maxZoom
      ? min(1, options.simplification) : options.simplification * Double(options.extent) / 256
    let scale = Double(options.extent) * Double(1 << zoom)
    let shapes = zip(layers, borders).enumerated().map { index, pair in
      zoomLayer(index, pair.1, zoom: zoom, scale: scale, tolerance: tolerance)
    }
    let (buckets, vanished) = assign(shapes, zoom: zoom)
    return PreparedZoom(
      zoom: zoom, shapes: shapes, buckets: buckets, addresses: buckets.keys.sorted(),
      vanished: vanished, dust: shapes.reduce(0) { $0 + $1.dust.count })
  }

  /// Adds `results`, the tiles at `addresses`, to `report`; returns the tiles
  /// that are not empty, in tile-id order.
  private static func add(
    _ results: [TileResult], of addresses: ArraySlice<TileAddress>, to report: inout ZoomReport
  ) -> [(TileAddress, [UInt8])] {
    var batch: [(TileAddress, [UInt8])] = []
    for (address, result) in zip(addresses, results) {
      report.tooSmall += result.tooSmall
      report.droppedForLimits += result.droppedForLimits
      report.tilesOverLimit += result.droppedForLimits > 0 ? 1 : 0
      report.repaired += result.repaired
      report.carried += result.carried
      report.uncarried += result.uncarried
      guard let bytes = result.bytes else { continue }
      batch.append((address, bytes))
      report.tiles += 1
      report.features += result.features
      report.bytes += bytes.count
      report.largestTile = max(report.largestTile, bytes.count)
    }
    return batch
  }

  struct TileResult {
    var bytes: [UInt8]?
    var features = 0
    var tooSmall = 0
    var droppedForLimits = 0
    var repaired = 0
    var carried = 0.0
    var uncarried = 0.0
  }

  /// One layer at one zoom: its features' shapes in tile units, followed by its
  /// dust squares; which features are left out of the tiles.
  ///
  /// Polygon features are not stored: each is put together from the zoom's
  /// simplified arcs when it is cut (`shape(_:)`). Storing every feature's
  /// rings for two zooms cut together was the largest block of memory while
  /// the full tiles of 105,000 cells were built (about 50 MB, heaptrack).
  struct ZoomLayer {
    /// The layer's polygons as shared borders, and their arcs simplified for this zoom.
    var borders: SharedBorders
    var arcs: ZoomArcs
    /// Per feature: its shape when it is not polygonal (lines simplified, points).
    var others: [TileGeometry?]
    /// Per feature: nothing of it can be drawn at this zoom, or a dust square
    /// stands for it.
    var skipped: [Bool]
    /// The dust squares.
    var dust: [TileDust.Square]

    /// The number of shapes: the features, then the dust squares.
    var count: Int { others.count + dust.count }

    /// Shape `index`: a feature's, or past the features a dust square's.
    func shape(_ index: Int) -> TileGeometry {
      if index >= others.count { return dust[index - others.count].geometry }
      if let other = others[index] { return other }
      guard let polygons = borders.geometry(of: index, arcs: arcs) else {
        preconditionFailure("a polygon feature without shared borders")
      }
      return polygons
    }
  }

  private func zoomLayer(
    _ index: Int, _ shared: SharedBorders, zoom: Int, scale: Double, tolerance: Double
  ) -> ZoomLayer {
    let layer = layers[index]
    var zoomLayer = ZoomLayer(
      borders: shared,
      arcs: shared.simplifiedArcs(scale: scale, tolerance: tolerance, threads: options.threads),
      others: others(layer, scale: scale, tolerance: tolerance), skipped: [], dust: [])
    let dust = options.dust
    let shapes = zoomLayer
    let looks = parallelMap(Array(layer.features.indices), threads: options.threads) {
      feature -> (empty: Bool, area: Double?) in
      let shape = shapes.shape(feature)
      var empty = false
      if case .polygons(let polygons) = shape { empty = polygons.isEmpty }
      return (empty, dust ? TileDust.drawnArea(shape) : nil)
    }
    zoomLayer.skipped = looks.map(\.empty)
    if dust {
      let pixel = Double(options.extent) / 256
      let areas = looks.map(\.area)
      let tiny = areas.contains { $0.map { $0 < pixel * pixel / 4 } ?? false }
      if tiny {
        let borders = shared.borders(drawn: areas.map { ($0 ?? 0) > 0 })
        let small = TileDust.small(areas: areas, borders: borders, pixel: pixel)
        for index in small { zoomLayer.skipped[index] = true }
        zoomLayer.dust = TileDust.squares(
          features: layer.features, areas: self.areas[index], small: small, scale: scale,
          pixel: pixel, zoom: zoom, accumulated: accumulated[index])
      }
    }
    return zoomLayer
  }

  /// The layer's lines and points at this zoom, in tile units: lines simplified
  /// one by one, points as they are; `nil` for polygons (see `ZoomLayer`).
  private func others(_ layer: TileLayer, scale: Double, tolerance: Double) -> [TileGeometry?] {
    let hasOthers = layer.features.contains {
      if case .polygons = $0.geometry { return false }
      return true
    }
    guard hasOthers else { return Array(repeating: nil, count: layer.features.count) }
    return parallelMap(Array(layer.features.indices), threads: options.threads) { index in
      switch layer.features[index].geometry {
      case .lines(let lines):
        return .lines(
          lines.map { DouglasPeucker.simplify($0.map { $0 * scale }, tolerance: tolerance) })
      case .points(let points):
        return .points(points.map { $0 * scale })
      case .polygons:
        return nil
      }
    }
  }

  /// The tiles each feature's box (with the buffer) touches; values are
  /// (layer << 32 | index of the shape). Also the number of polygon features left
  /// out (too small to draw at this zoom, or stood for by dust).
  private func assign(_ shapes: [ZoomLayer], zoom: Int) -> ([TileAddress: [Int]], Int) {
    let n = Double(1 << zoom)
    let margin = Double(options.buffer) / Double(options.extent)
    let last = (1 << zoom) - 1
    var buckets: [TileAddress: [Int]] = [:]
    var vanished = 0
    for (layerIndex, layer) in layers.enumerated() {
      let zoomLayer = shapes[layerIndex]
      for index in 0..<zoomLayer.count {
        let isFeature = index < layer.features.count
        if isFeature && zoomLayer.skipped[index] {
          vanished += 1
          continue
        }
        let box =
          isFeature
          ? layer.features[index].bounds : zoomLayer.dust[index - layer.features.count].bounds
        let x0 = max(0, Int((box.minX * n - margin).rounded(.down)))
        let x1 = min(last, Int((box.maxX * n + margin).rounded(.down)))
        let y0 = max(0, Int((box.minY * n - margin).rounded(.down)))
        let y1 = min(last, Int((box.maxY * n + margin).rounded(.down)))
        guard x0 <= x1, y0 <= y1 else { continue }
        for x in x0...x1 {
          for y in y0...y1 {
            buckets[TileAddress(z: zoom, x: x, y: y), default: []].append(layerIndex << 32 | index)
          }
        }
      }
    }
    return (buckets, vanished)
  }
}
