import Foundation
import PROJKit
import TestFixtures
import Testing

@testable import Tiles

/// Loading a layer for tiling: batches projected on worker threads while the next
/// is read must give what one thread gives, in the same order, errors included.
@Suite("Loading layers for tiles")
struct LayerLoadingTests {
  /// A CSV of `count` square cells of 100 km in EPSG:6933, rows of 300 from the
  /// equator northwards; the last three reach past the CRS's ±86° of latitude in
  /// the south, so that they need the single-feature path that clips to the domain.
  func worldCells(_ count: Int, in folder: URL) throws -> String {
    var text = "WKT,id,n\n"
    for k in 0..<count {
      let x = -17_000_000 + Double(k % 300) * 100_000
      let past = k >= count - 3
      let y = past ? -7_400_000 : Double(k / 300) * 100_000
      let top = past ? -7_200_000 : y + 100_000
      text +=
        "\"POLYGON ((\(x) \(y), \(x + 100_000) \(y), \(x + 100_000) \(top), "
        + "\(x) \(top), \(x) \(y)))\",\(k),\(k * 7)\n"
    }
    return try Fixtures.write(text, to: "cells.csv", in: folder)
  }

  @Test("two threads load the same features as one, over several batches and the domain's edge")
  func sameOnEveryThreadCount() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let count = TileLayerLoader.batchSize * 2 + 500
    let path = try worldCells(count, in: folder)
    let crs = try CRS("EPSG:6933")
    let one = try TileLayerLoader.load(path: path, assumedCRS: crs, threads: 1)
    #expect(one.features.count == count)
    for threads in [2, 3] {
      let many = try TileLayerLoader.load(path: path, assumedCRS: crs, threads: threads)
      #expect(many.features.count == one.features.count)
      #expect(many.features.map(\.id) == one.features.map(\.id))
      #expect(many.features.map(\.attributes) == one.features.map(\.attributes))
      #expect(
        many.features.map { "\($0.geometry)" } == one.features.map { "\($0.geometry)" },
        "\(threads) threads")
    }
    // The cells past the domain were kept by their part within it.
    let last = try #require(one.features.last)
    // CSV feature ids count from 1 after the header.
    #expect(last.id == Int64(count))
    #expect(last.bounds.maxY > last.bounds.minY)
  }

  @Test("features of more than two vertex-bounded batches load in order, alike on 1 and 2 threads")
  func batchesByVertices() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    // 40 rings of 8,000 vertices: about 16 features a batch instead of 4,096.
    let vertices = 8000
    let count = 40
    #expect(count * vertices > 2 * TileLayerLoader.batchPointLimit)
    var text = "WKT,id\n"
    for k in 0..<count {
      let centre = SIMD2(Double(k % 8) * 3 - 12, Double(k / 8) * 3 - 6)
      let ring = (0...vertices).map { j -> String in
        let angle = Double(j % vertices) / Double(vertices) * 2 * .pi
        return "\(centre.x + cos(angle)) \(centre.y + sin(angle))"
      }
      text += "\"POLYGON ((\(ring.joined(separator: ", "))))\",\(k)\n"
    }
    let path = try Fixtures.write(text, to: "rings.csv", in: folder)
    let one = try TileLayerLoader.load(path: path, assumedCRS: try CRS.wgs84, threads: 1)
    #expect(one.features.map(\.id) == (1...Int64(count)).map { $0 })
    for feature in one.features {
      guard case .polygons(let polygons) = feature.geometry else {
        Issue.record("feature \(feature.id) is not a polygon")
        continue
      }
      #expect(polygons.count == 1 && polygons[0][0].count >= vertices, "feature \(feature.id)")
    }
    let two = try TileLayerLoader.load(path: path, assumedCRS: try CRS.wgs84, threads: 2)
    #expect(two.features.map(\.id) == one.features.map(\.id))
    #expect(two.features.map { "\($0.geometry)" } == one.features.map { "\($0.geometry)" })
  }

  @Test("a coordinate off the globe in a later batch names its feature, on any thread count")
  func offTheGlobe() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    var text = "WKT,id\n"
    let bad = TileLayerLoader.batchSize + 123
    for k in 0..<(TileLayerLoader.batchSize + 400) {
      let x = k == bad ? 200.0 : Double(k % 100) * 0.01
      text += "\"POINT (\(x) 10)\",\(k)\n"
    }
    let path = try Fixtures.write(text, to: "points.csv", in: folder)
    for threads in [1, 2] {
      do {
        _ = try TileLayerLoader.load(path: path, assumedCRS: try CRS.wgs84, threads: threads)
        Issue.record("a longitude of 200° was loaded")
      } catch let TilesError.outsideGlobe(_, _, feature, longitude, _) {
        // CSV feature ids count from 1 after the header.
        #expect(feature == Int64(bad + 1))
        #expect(longitude == 200)
      }
    }
  }
}
