import Foundation
import GDALKit
import GEOSKit
import GeoCore
import SQLiteKit
import Testing

@testable import Tiles

/// Tiles kept in memory, in the order the tiler hands them over.
final class MemorySink: TileSink {
  var tiles: [(TileAddress, [UInt8])] = []
  var metadata: TileSetMetadata?
  let compressesTiles = false
  func write(_ address: TileAddress, _ bytes: [UInt8]) throws { tiles.append((address, bytes)) }
  func finish(_ metadata: TileSetMetadata) throws { self.metadata = metadata }
  func discard() { tiles = [] }
}

@Suite("Vector tiles")
struct VectorTilesTests {
  /// A layer from longitude/latitude WKT polygons with an integer field `n`.
  func layer(_ wkts: [String], values: [Int64]? = nil) throws -> TileLayer {
    var features: [TileFeature] = []
    for (index, wkt) in wkts.enumerated() {
      for shape in try TileLayerLoader.project(try Geometry(wkt: wkt), nil) {
        features.append(
          TileFeature(
            id: Int64(index), geometry: shape,
            attributes: [.integer(values?[index] ?? Int64(index))]))
      }
    }
    return TileLayer(
      name: "cells", fields: [Field(name: "n", type: .integer64)], features: features)
  }

  func run(_ layers: [TileLayer], _ options: VectorTileOptions, accumulated: [[Int]]? = nil) throws
    -> (MemorySink, [ZoomReport])
  {
    let sink = MemorySink()
    let tiler = VectorTiler(
      layers: layers, options: options, accumulated: accumulated ?? layers.map { _ in [] })
    let reports = try tiler.run(into: sink) { _ in }
    return (sink, reports)
  }

  @Test("PMTiles tile ids follow the reference implementation's Hilbert order")
  func tileIDs() {
    // Values from the reference `pmtiles` Python package (zxy_to_tileid).
    let reference: [(Int, Int, Int, UInt64)] = [
      (0, 0, 0, 0), (1, 0, 0, 1), (1, 0, 1, 2), (1, 1, 1, 3), (1, 1, 0, 4), (2, 3, 1, 17),
      (3, 5, 2, 76), (11, 5, 1000, 2_446_376), (12, 1500, 2000, 8_478_127),
      (14, 6000, 8500, 219_276_805), (20, 500_000, 600_000, 911_473_750_357),
      (24, 16_000_000, 100, 374_269_244_959_077),
    ]
    for (z, x, y, id) in reference {
      #expect(TileAddress(z: z, x: x, y: y).pmtilesID == id, "\(z)/\(x)/\(y)")
    }
  }

  @Test(
    "a polygon with a hole is encoded as MVT 2.1: exterior positive, hole negative, typed attributes"
  )
  func encoding() throws {
    let cutter = TileCutter(extent: 4096, buffer: 80, address: TileAddress(z: 0, x: 0, y: 0))
    // Counter-clockwise on screen exterior, clockwise hole: the cutter must re-wind both.
    let outer: [SIMD2<Double>] = [[100, 100], [100, 900], [900, 900], [900, 100], [100, 100]]
    let hole: [SIMD2<Double>] = [[300, 300], [600, 300], [600, 600], [300, 600], [300, 300]]
    guard case .kept(let shape, let repaired) = cutter.cut(.polygons([[outer, hole]])) else {
      Issue.record("polygon not kept")
      return
    }
    #expect(!repaired)
    var encoder = MVTLayerEncoder(
      name: "test", extent: 4096, fieldNames: ["i", "r", "s", "b", "none", "neg"])
    encoder.add(
      id: 7, shape: shape,
      attributes: [
        .integer(42), .real(2.5), .string("Olinda"), .boolean(true), .null, .integer(-3),
      ])
    let layers = TileDecoding.decode(MVTTile.encode([encoder]))
    let layer = try #require(layers.first)
    #expect(layer.version == 2 && layer.extent == 4096 && layer.name == "test")
    let feature = try #require(layer.features.first)
    #expect(feature.id == 7 && feature.type == 3)
    #expect(feature.parts.count == 2)
    #expect(TileDecoding.doubledArea(feature.parts[0]) > 0)
    #expect(TileDecoding.doubledArea(feature.parts[1]) < 0)
    #expect(feature.parts[0].count == 4, "no closing point is encoded")
    #expect(feature.properties == ["i": "42", "r": "2.5", "s": "Olinda", "b": "true", "neg": "-3"])
  }

  @Test("rounding that folds a ring is repaired; a sub-unit polygon or line is too small")
  func cleaning() {
    let cutter = TileCutter(extent: 4096, buffer: 80, address: TileAddress(z: 0, x: 0, y: 0))
    let bowTie: [SIMD2<Double>] = [[0, 0], [100, 100], [100, 0], [0, 100], [0, 0]]
    guard case .kept(.polygons(let parts), true) = cutter.cut(.polygons([[bowTie]])) else {
      Issue.record("bow-tie not repaired")
      return
    }
    #expect(parts.count == 2)
    for polygon in parts { #expect(TileCutter.doubledArea(polygon[0]) > 0) }
    guard case .degenerate = cutter.cut(.lines([[[20.1, 20.1], [20.3, 20.2]]])) else {
      Issue.record("a line shorter than a tile unit is not reported as too small")
      return
    }
    let tiny: [SIMD2<Double>] = [[10.1, 10.1], [10.3, 10.1], [10.3, 10.3], [10.1, 10.1]]
    guard case .degenerate = cutter.cut(.polygons([[tiny]])) else {
      Issue.record("tiny polygon kept")
      return
    }
  }

  @Test("neighbours with a T-junction stay gap-free and overlap-free at every zoom")
  func sharedBorders() throws {
    // Left square; the right side is split in two squares whose corner sits on
    // the left square's edge without being one of its vertices.
    let cells = try layer([
      "POLYGON ((0 0, 0.02 0, 0.021 0.01, 0.02 0.02, 0 0.02, 0 0))",
      "POLYGON ((0.02 0, 0.04 0, 0.04 0.01, 0.0205 0.005, 0.02 0))",
      "POLYGON ((0.0205 0.005, 0.04 0.01, 0.04 0.02, 0.02 0.02, 0.021 0.01, 0.0205 0.005))",
    ])
    var options = VectorTileOptions()
    options.minZoom = 8
    options.maxZoom = 16
    options.simplification = 4
    let (sink, _) = try run([cells], options)
    #expect(!sink.tiles.isEmpty)
    for (address, bytes) in sink.tiles {
      let features = TileDecoding.decode(bytes)[0].features
      let shapes = try features.map { feature in
        try Geometry.polygon(
          rings: feature.parts.map { $0.map { SIMD2<Double>(Double($0.x), Double($0.y)) } })
      }
      let union = try Geometry.unionAll(shapes)
      let sum = shapes.reduce(0) { $0 + $1.area }
      #expect(abs(sum - union.area) < 1e-6, "overlap at \(address)")
      let holes = union.polygonRings().reduce(0) { $0 + $1.count - 1 }
      #expect(holes == 0, "gap at \(address)")
    }
  }

  @Test("a polygon across the antimeridian is cut in two, each on its side of the world")
  func antimeridian() throws {
    let shapes = try TileLayerLoader.project(
      try Geometry(wkt: "POLYGON ((170 -10, -170 -10, -170 10, 170 10, 170 -10))"), nil)
    guard case .polygons(let polygons)? = shapes.first else {
      Issue.record("no polygons")
      return
    }
    #expect(polygons.count == 2)
    for polygon in polygons {
      let xs = polygon[0].map(\.x)
      #expect(xs.max()! - xs.min()! < 0.06, "each part is narrow, not wrapped around the world")
    }
  }

  @Test("a polygon around a pole is clamped to the square world and tiles validly")
  func pole() throws {
    let ring = try layer(["POLYGON ((-180 -60, 180 -60, 180 -90, -180 -90, -180 -60))"])
    var options = VectorTileOptions()
    options.maxZoom = 2
    let (sink, _) = try run([ring], options)
    // The buffer reaches the row above at zoom 2: 1 + 2 + 8 tiles.
    #expect(sink.tiles.count == 1 + 2 + 8)
    for (_, bytes) in sink.tiles {
      for feature in TileDecoding.decode(bytes)[0].features {
        let polygon = try Geometry.polygon(
          rings: feature.parts.map { $0.map { SIMD2<Double>(Double($0.x), Double($0.y)) } })
        #expect(polygon.isValid)
        #expect(TileDecoding.doubledArea(feature.parts[0]) > 0)
      }
    }
  }

  @Test("a full tile sheds its smallest features, reports them and keeps the summed field's total")
  func limits() throws {
    // 400 squares of growing size in one tile at zoom 10, each holding n = 5.
    var wkts: [String] = []
    for k in 0..<400 {
      let x = 0.0001 * Double(k % 20) * 2
      let y = 0.0001 * Double(k / 20) * 2
      let side = 0.00005 + 0.0000001 * Double(k)
      wkts.append(
        "POLYGON ((\(x) \(y), \(x + side) \(y), \(x + side) \(y + side), \(x) \(y + side), \(x) \(y)))"
      )
    }
    let cells = try layer(wkts, values: Array(repeating: 5, count: 400))
    var options = VectorTileOptions()
    options.minZoom = 14
    options.maxZoom = 14
    options.limits = TileLimits(maxBytes: 500 * 1024, maxFeatures: 50)
    let (sink, reports) = try run([cells], options, accumulated: [[0]])
    let report = try #require(reports.first)
    #expect(report.droppedForLimits > 0)
    #expect(report.uncarried == 0)
    for (_, bytes) in sink.tiles {
      let features = TileDecoding.decode(bytes)[0].features
      #expect(features.count <= 50)
    }
    // Every tile's total of n equals the number of squares touching it times 5.
    let (plain, _) = try run(
      [cells],
      {
        var o = options
        o.limits = TileLimits()
        return o
      }())
    for ((address, limited), (_, full)) in zip(sink.tiles, plain.tiles) {
      let total = { (bytes: [UInt8]) in
        TileDecoding.decode(bytes)[0].features.reduce(0) { $0 + Int($1.properties["n"] ?? "0")! }
      }
      #expect(total(limited) == total(full), "total kept in \(address)")
    }
  }

  @Test("-zg: the zoom where features span a few pixels and vertices stay distinct")
  func guessedZoom() throws {
    // 20 m squares near the equator: four pixels of 20 m is zoom 15 (4.8 m pixels).
    var wkts: [String] = []
    let step = 20.0 / 111_320
    for k in 0..<50 {
      let x = Double(k % 10) * step
      let y = Double(k / 10) * step
      wkts.append(
        "POLYGON ((\(x) \(y), \(x + step) \(y), \(x + step) \(y + step), \(x) \(y + step), \(x) \(y)))"
      )
    }
    #expect(VectorTileJob.guessedMaxZoom([try layer(wkts)]) == 15)
    // One point says nothing about detail: the default zoom.
    let point = TileLayer(
      name: "p", fields: [],
      features: [TileFeature(id: 0, geometry: .points([SIMD2(0.5, 0.5)]), attributes: [])])
    #expect(VectorTileJob.guessedMaxZoom([point]) == 14)
  }
}
