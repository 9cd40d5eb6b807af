import Foundation
import GeoCore
import Testing

@testable import Tiles

@Suite("Dust: polygons too small to draw kept as pixel squares")
struct TileDustTests {
  /// A square of `side` unit-square units with its lower corner at `corner`.
  func square(_ corner: SIMD2<Double>, _ side: Double, id: Int64, value: Int64) -> TileFeature {
    let ring: [SIMD2<Double>] = [
      corner, corner + SIMD2(side, 0), corner + SIMD2(side, side), corner + SIMD2(0, side), corner,
    ]
    return TileFeature(id: id, geometry: .polygons([[ring]]), attributes: [.integer(value)])
  }

  /// Zoom 0: 4096 tile units across the world, pixels of 16 units.
  let scale = 4096.0
  let pixel = 16.0

  /// The side, in unit-square units, of a square covering `share` of a pixel at zoom 0.
  func side(_ share: Double) -> Double { (share * 256).squareRoot() / 4096 }

  @Test("three small polygons in one pixel and one far away make one square that sums all four")
  func cluster() throws {
    // Pixel (10, 20) spans unit-square x 160/4096 ..< 176/4096, y 320/4096 ..< 336/4096.
    let origin = SIMD2(161.0, 321.0) / 4096
    let features = [
      square(origin, side(0.2), id: 1, value: 5),
      square(origin + SIMD2(4, 0) / 4096, side(0.25), id: 2, value: 7),
      square(origin + SIMD2(0, 5) / 4096, side(0.2), id: 3, value: 11),
      square(SIMD2(3000, 3000) / 4096, side(0.1), id: 4, value: 13),
    ]
    let squares = TileDust.squares(
      features: features, areas: features.map { TileDust.unitArea($0.geometry) },
      small: [0, 1, 2, 3], scale: scale, pixel: pixel, zoom: 0, accumulated: [0])
    // 0.65 + 0.1 of a pixel rounds to one square, in the pixel holding most area.
    try #require(squares.count == 1)
    let dust = squares[0]
    #expect(dust.id == 2, "the largest polygon of the pixel gives its id")
    #expect(Array(dust.attributes) == [.integer(36)], "5 + 7 + 11 + 13: the total is kept")
    guard case .polygons(let polygons) = dust.geometry else {
      Issue.record("not a polygon")
      return
    }
    #expect(polygons == [[[[160, 320], [176, 320], [176, 336], [160, 336], [160, 320]]]])
    #expect(
      dust.bounds
        == Envelope(minX: 160 / 4096, minY: 320 / 4096, maxX: 176 / 4096, maxY: 336 / 4096))
  }

  @Test("a single polygon far below half a pixel still gets one square")
  func alone() {
    let alone = square(SIMD2(1000, 1000) / 4096, side(0.01), id: 9, value: 4)
    let squares = TileDust.squares(
      features: [alone], areas: [TileDust.unitArea(alone.geometry)], small: [0],
      scale: scale, pixel: pixel, zoom: 0, accumulated: [0])
    #expect(squares.count == 1)
    #expect(squares.first.map { Array($0.attributes) } == [.integer(4)])
    #expect(squares.first?.bounds.minX == 992.0 / 4096)
  }

  @Test("a block of 4 × 4 pixels tiled by small polygons gives one square per pixel")
  func block() {
    // 16 polygons a pixel, each a quarter of a pixel across: 256 polygons.
    var features: [TileFeature] = []
    for i in 0..<16 {
      for j in 0..<16 {
        let corner = SIMD2(Double(640 + 4 * i), Double(640 + 4 * j)) / 4096
        features.append(square(corner, 4.0 / 4096, id: Int64(features.count), value: 1))
      }
    }
    let squares = TileDust.squares(
      features: features, areas: features.map { TileDust.unitArea($0.geometry) },
      small: Array(features.indices), scale: scale, pixel: pixel, zoom: 0, accumulated: [0])
    #expect(squares.count == 16)
    let corners = Set(squares.map { SIMD2($0.bounds.minX * 4096, $0.bounds.minY * 4096) })
    #expect(corners.count == 16, "no two squares in one pixel")
    #expect(corners.allSatisfy { (640...688).contains($0.x) && (640...688).contains($0.y) })
    let total = squares.reduce(Int64(0)) {
      if case .integer(let n) = $1.attributes[0] { return $0 + n }
      return $0
    }
    #expect(total == 256)
  }

  @Test(
    "which polygons become dust: coverages only where a cluster vanished, others below a quarter pixel"
  )
  func selection() {
    let areas: [Double?] = [0, 0, 63.9, 64, nil, 10]
    let borders: [(shared: Bool, drawnNeighbour: Bool)] = [
      (true, false), (true, true), (false, false), (false, false), (false, false), (true, false),
    ]
    #expect(TileDust.small(areas: areas, borders: borders, pixel: 16) == [0, 2])
  }

  /// 400 squares of 1e-6 unit-square units a side, 1e-5 apart, inside tile 10/307/410.
  func scattered(values: Int64 = 3) -> TileLayer {
    var features: [TileFeature] = []
    let origin = SIMD2(0.3000, 0.4006)
    for i in 0..<20 {
      for j in 0..<20 {
        features.append(
          square(
            origin + SIMD2(Double(i), Double(j)) * 1e-5, 1e-6, id: Int64(features.count),
            value: values))
      }
    }
    return TileLayer(
      name: "ponds", fields: [Field(name: "n", type: .integer64)], features: features)
  }

  /// The features of every tile of one zoom, each once, and the zoom's report.
  func tiles(_ layers: [TileLayer], zoom: Int, dust: Bool = true) throws -> (
    [TileDecoding.Feature], ZoomReport
  ) {
    var options = VectorTileOptions()
    options.minZoom = zoom
    options.maxZoom = zoom
    options.dust = dust
    options.limits.accumulate = [AccumulatedField(field: "n")]
    let sink = MemorySink()
    let reports = try VectorTiler(
      layers: layers, options: options, accumulated: layers.map { _ in [0] }
    )
    .run(into: sink) { _ in }
    // Every feature once, by id (a square on a tile border is in both tiles).
    var seen = Set<UInt64>()
    var features: [TileDecoding.Feature] = []
    for layer in sink.tiles.flatMap({ TileDecoding.decode($0.1) }) {
      for feature in layer.features where seen.insert(feature.id ?? .max).inserted {
        features.append(feature)
      }
    }
    return (features, reports[0])
  }

  @Test(
    "scattered small polygons at zoom 10 are pixel squares covering their total area, with the total kept"
  )
  func scatteredAtZoom10() throws {
    let (features, report) = try tiles([scattered()], zoom: 10)
    // Each square is (1e-6 · 4096 · 1024)² ≈ 17.6 square units, under a quarter
    // of a 256-unit pixel; 400 of them cover 27.49 pixels: 27 squares.
    let side: Double = 1e-6 * 4096 * 1024
    let area: Double = 400 * side * side
    let expected = Int((area / 256).rounded())
    #expect(expected == 27)
    #expect(features.count == expected)
    #expect(report.dust == expected && report.tooSmall == 400)
    for feature in features {
      let points = feature.parts[0]
      let xs = Set(points.map(\.x))
      let ys = Set(points.map(\.y))
      #expect(points.count == 4 && xs.count == 2 && ys.count == 2)
      #expect(xs.allSatisfy { $0 % 16 == 0 } && ys.allSatisfy { $0 % 16 == 0 })
      #expect(xs.max()! - xs.min()! == 16 && ys.max()! - ys.min()! == 16)
    }
    let total = features.reduce(0) { $0 + Int($1.properties["n"] ?? "0")! }
    #expect(total == 400 * 3)
  }

  @Test("at zoom 12 the polygons are drawn as themselves, and at zoom 10 too without dust")
  func drawnOrVanished() throws {
    let (near, nearReport) = try tiles([scattered()], zoom: 12)
    #expect(near.count == 400 && nearReport.dust == 0)
    let (far, farReport) = try tiles([scattered()], zoom: 10, dust: false)
    // A quarter of a pixel across each: 400 specks of about 16 square units.
    #expect(far.count == 400 && farReport.dust == 0)
  }

  @Test(
    "a square under a drawn polygon of its layer yields to it, which receives its summed fields")
  func yieldsToDrawn() throws {
    var layer = scattered(values: 1)
    // A park over every pond (sharing no border with them).
    layer.features.append(square(SIMD2(0.29995, 0.40055), 0.0003, id: 1000, value: 50))
    let (features, report) = try tiles([layer], zoom: 10)
    #expect(report.dust > 0)
    #expect(features.count == 1)
    #expect(features.first?.id == 1000)
    #expect(features.first?.properties["n"] == "450")
  }
}
