import GDALKit
import GeoCore
import Testing

@testable import Tiles

/// Tiles of many features are built one at a time, their features cut on every
/// thread (`VectorTileOptions.bigTileMembers`); small ones side by side on one
/// thread each. Both ways give the same tiles for any number of threads.
@Suite("Tiles built alone, cut on every thread")
struct BigTileTests {
  /// A 40 × 40 block of squares of 1/40,000 of the world, each with its own
  /// count: small enough at the low zooms for dust, and many in one tile at the
  /// high ones.
  func block() -> TileLayer {
    var features: [TileFeature] = []
    let side = 1.0 / 40_000
    for i in 0..<40 {
      for j in 0..<40 {
        let corner = SIMD2(0.3 + side * Double(i), 0.6 + side * Double(j))
        let ring: [SIMD2<Double>] = [
          corner, corner + SIMD2(side, 0), corner + SIMD2(side, side), corner + SIMD2(0, side),
          corner,
        ]
        features.append(
          TileFeature(
            id: Int64(features.count), geometry: .polygons([[ring]]),
            attributes: [.integer(Int64(i * 40 + j)), .real(Double(i) / 7)]))
      }
    }
    return TileLayer(
      name: "block",
      fields: [Field(name: "n", type: .integer64), Field(name: "r", type: .real)],
      features: features)
  }

  func tiles(
    threads: Int, bigTileMembers: Int, probePieces: Int = 32_768, windowTiles: Int = 4_096
  ) throws -> (tiles: [(TileAddress, [UInt8])], reports: [ZoomReport]) {
    var options = VectorTileOptions()
    options.minZoom = 0
    options.maxZoom = 12
    options.threads = threads
    options.bigTileMembers = bigTileMembers
    options.probePieces = probePieces
    options.windowTiles = windowTiles
    // Small enough that the full tiles shed features and carry their counts.
    options.limits = TileLimits(maxBytes: 12_000, maxFeatures: 700)
    let sink = MemorySink()
    let reports = try VectorTiler(layers: [block()], options: options, accumulated: [[0]])
      .run(into: sink) { _ in }
    return (sink.tiles, reports)
  }

  @Test("the same tiles handed over by windows of 1 and 5 tiles as by whole zooms")
  func windows() throws {
    let reference = try tiles(threads: 1, bigTileMembers: .max)
    // Windows of one tile and of a few, on one and two threads, with big tiles
    // in windows before the last and small ones after them: from 80 members,
    // zoom 12's last big tile (121 members) is followed by two of 77; from 400,
    // zoom 11's (441) by three of 221 to 357.
    for threads in [1, 2] {
      for window in [1, 5] {
        for big in [80, 400] {
          let other = try tiles(threads: threads, bigTileMembers: big, windowTiles: window)
          let label = "\(threads) threads, windows of \(window), big from \(big)"
          #expect(other.tiles.map(\.0) == reference.tiles.map(\.0), "\(label)")
          #expect(other.tiles.map(\.1) == reference.tiles.map(\.1), "\(label)")
          #expect(other.reports == reference.reports, "\(label)")
        }
      }
    }
  }

  @Test("the same tiles built alone on 1, 2, 3 and 8 threads as side by side")
  func sameTiles() throws {
    let reference = try tiles(threads: 1, bigTileMembers: .max)
    // The path is taken, and its cases met: shedding, carried counts, dust.
    #expect(reference.reports.contains { $0.droppedForLimits > 0 })
    #expect(reference.reports.contains { $0.carried > 0 })
    #expect(reference.reports.contains { $0.dust > 0 })
    #expect(reference.reports.reduce(0) { $0 + $1.tiles } == reference.tiles.count)
    for threads in [1, 2, 3, 8] {
      for big in [1, 500, Int.max] {
        let other = try tiles(threads: threads, bigTileMembers: big)
        #expect(other.tiles.map(\.0) == reference.tiles.map(\.0), "\(threads) threads, \(big)")
        #expect(
          other.tiles.map(\.1) == reference.tiles.map(\.1), "\(threads) threads, from \(big)")
        #expect(other.reports == reference.reports, "\(threads) threads, from \(big)")
      }
    }
  }

  @Test("full tiles fitted from their largest pieces up: within limits, same on 1, 2, 3, 8 threads")
  func fittedFromLargest() throws {
    // Tiles of more than 64 pieces are fitted from the largest 32 up.
    let reference = try tiles(threads: 1, bigTileMembers: .max, probePieces: 64)
    #expect(reference.reports.contains { $0.droppedForLimits > 0 })
    #expect(reference.reports.contains { $0.carried > 0 })
    for (address, bytes) in reference.tiles {
      #expect(bytes.count <= 12_000, "\(address)")
      let features = TileDecoding.decode(bytes).reduce(0) {
        $0 + $1.features.count
      }
      #expect(features <= 700, "\(address)")
    }
    for threads in [2, 3, 8] {
      for big in [1, 500, Int.max] {
        let other = try tiles(threads: threads, bigTileMembers: big, probePieces: 64)
        #expect(
          other.tiles.map(\.1) == reference.tiles.map(\.1), "\(threads) threads, from \(big)")
        #expect(other.reports == reference.reports, "\(threads) threads, from \(big)")
      }
    }
  }

  @Test(
    "the count fitted from the largest pieces up is within 10% of the most that fit",
    arguments: [(6_000, 10_000), (20_000, 10_000), (200_000, 300), (200_000, 5_000)])
  func fittedCount(maxBytes: Int, maxFeatures: Int) throws {
    // 3,000 squares of random sizes in one tile, in no order of size.
    var random = SplitMix(seed: 7)
    var pieces: [TilePiece] = []
    for k in 0..<3_000 {
      let corner = SIMD2(Int32(random.next() % 4000), Int32(random.next() % 4000))
      let side = Int32(1 + random.next() % 90)
      let ring = [
        corner, corner &+ SIMD2(side, 0), corner &+ SIMD2(side, side), corner &+ SIMD2(0, side),
      ]
      let shape = TileShape.polygons([[ring]])
      pieces.append(
        TilePiece(
          layer: 0, id: Int64(k), shape: shape, anchor: SIMD2<Double>(corner), size: shape.size,
          attributes: TileAttributeRow([.integer(Int64(k)), .real(Double(k) / 3)])))
    }
    var options = VectorTileOptions()
    options.limits = TileLimits(maxBytes: maxBytes, maxFeatures: maxFeatures)
    options.probePieces = 256
    let layer = TileLayer(
      name: "squares",
      fields: [Field(name: "n", type: .integer64), Field(name: "r", type: .real)], features: [])
    let tiler = VectorTiler(layers: [layer], options: options, accumulated: [[]])
    let ranked = TileShedding.ranked(pieces)
    let (count, bytes) = try tiler.fitLargest(pieces, ranked: ranked, compress: true)
    func largest(_ n: Int) -> [TilePiece] {
      TileShedding.split(pieces, keeping: ranked.prefix(n)).kept
    }
    // The bytes are those of the largest `count` pieces, within the limits.
    #expect(bytes == (try tiler.encode(largest(count), compress: true)))
    #expect(count <= maxFeatures)
    #expect((bytes?.count ?? 0) <= maxBytes)
    // The most that fit, by bisection over the counts (the sizes grow with them).
    var low = 0
    var high = min(pieces.count, maxFeatures)
    while low < high {
      let middle = (low + high + 1) / 2
      let size = try tiler.encode(largest(middle), compress: true)?.count ?? 0
      if size <= maxBytes { low = middle } else { high = middle - 1 }
    }
    #expect(count >= low * 9 / 10, "\(count) of at most \(low)")
    #expect(count <= low)
  }
}

/// A small seeded generator, so that the cases are the same on every run.
private struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
