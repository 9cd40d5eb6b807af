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

  func tiles(threads: Int, bigTileMembers: Int) throws -> (
    tiles: [(TileAddress, [UInt8])], reports: [ZoomReport]
  ) {
    var options = VectorTileOptions()
    options.minZoom = 0
    options.maxZoom = 12
    options.threads = threads
    options.bigTileMembers = bigTileMembers
    // Small enough that the full tiles shed features and carry their counts.
    options.limits = TileLimits(maxBytes: 12_000, maxFeatures: 700)
    let sink = MemorySink()
    let reports = try VectorTiler(layers: [block()], options: options, accumulated: [[0]])
      .run(into: sink) { _ in }
    return (sink.tiles, reports)
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
}
