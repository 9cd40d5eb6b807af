import Foundation
import GeoCore
import Testing

@testable import Tiles

/// The tables and indexes behind shared borders: the hash table of indices,
/// noding near-duplicate corners, the arc crossing check, and a layer encoder
/// reused from feature to feature.
@Suite("Coverage tables")
struct CoverageTablesTests {
  @Test("the index table keeps the first index of each point, as a Dictionary would")
  func indexTableKeepsFirstIndices() {
    var generator = SeededGenerator(seed: 23)
    var points: [SIMD2<Double>] = []
    var table = IndexTable()
    var reference: [SIMD2<Double>: Int32] = [:]
    let coordinates: [Double] = [0, -0.0, 1, 0.1, 1e-300, 123_456.789, -2.5]
    for _ in 0..<30_000 {
      let point = SIMD2(
        coordinates[Int(generator.next() % 7)] + Double(generator.next() % 300),
        coordinates[Int(generator.next() % 7)])
      let index = Int32(points.count)
      points.append(point)
      let stored = table.insert(index, key: point) { points[Int($0)] }
      let expected = reference[point] ?? index
      reference[point] = expected
      #expect(stored == expected, "\(point)")
    }
    #expect(table.count == reference.count)
    for (point, index) in reference {
      #expect(table.find(point) { points[Int($0)] } == index)
    }
    #expect(table.find(SIMD2(-1, -1)) { points[Int($0)] } == nil)
  }

  @Test("-0.0 and 0.0 are one key, as they are equal; grid cells and point pairs are keys too")
  func indexTableKeys() {
    let points: [SIMD2<Double>] = [SIMD2(0.0, 1), SIMD2(-0.0, 1)]
    var table = IndexTable()
    #expect(table.insert(0, key: points[0]) { points[Int($0)] } == 0)
    #expect(table.insert(1, key: points[1]) { points[Int($0)] } == 0)
    #expect(table.count == 1)
    let pairs = (0..<1000).map { SIMD4(Double($0), 0, Double($0) + 1, 0) }
    var byPair = IndexTable(capacity: 1000)
    for k in pairs.indices { byPair.insert(Int32(k), key: pairs[k]) { pairs[Int($0)] } }
    #expect(byPair.count == 1000)
    #expect(byPair.find(SIMD4(500, 0, 501, 0)) { pairs[Int($0)] } == 500)
    #expect(byPair.find(SIMD4(500, 0, 502, 0)) { pairs[Int($0)] } == nil)
    let cells = (0..<1000).map { GridCell(x: Int64($0 % 7) - 3, y: Int64($0 % 5)) }
    var byCell = IndexTable()
    for k in cells.indices { byCell.insert(Int32(k), key: cells[k]) { cells[Int($0)] } }
    #expect(byCell.count == 35)
    #expect(byCell.find(GridCell(x: -3, y: 0)) { cells[Int($0)] } == 0)
    #expect(byCell.find(GridCell(x: 3, y: 4)) { cells[Int($0)] } == 34)
  }

  @Test("corners a few millimetres apart are noded into one shared border")
  func nearDuplicateCorners() {
    // Two unit-square cells of about 40 m whose common side's ends differ by
    // 1e-11 (about 0.4 mm at the equator), well under the noding tolerance.
    let a = 0.5
    let size = 1e-6
    let left: [SIMD2<Double>] = [
      [a, a], [a + size, a], [a + size, a + size], [a, a + size], [a, a],
    ]
    let right: [SIMD2<Double>] = [
      [a + size + 1e-11, a - 1e-11], [a + 2 * size, a], [a + 2 * size, a + size],
      [a + size - 1e-11, a + size + 1e-11], [a + size + 1e-11, a - 1e-11],
    ]
    let apart: [SIMD2<Double>] = [[0.1, 0.1], [0.1 + size, 0.1], [0.1, 0.1 + size], [0.1, 0.1]]
    let features = [left, right, apart].enumerated().map { index, ring in
      TileFeature(id: Int64(index), geometry: .polygons([[ring]]), attributes: [])
    }
    // The borders take the features' polygons, emptying them.
    var taken = features
    let shared = SharedBorders(taking: &taken)
    for feature in taken {
      guard case .polygons(let polygons) = feature.geometry else { continue }
      #expect(polygons.isEmpty)
    }
    let borders = shared.borders(drawn: [true, false, false])
    #expect(borders.map(\.shared) == [true, true, false])
    #expect(borders.map(\.drawnNeighbour) == [true, true, false])
    let scale = 4096.0 * Double(1 << 24)
    let arcs = shared.simplifiedArcs(scale: scale, tolerance: 0, threads: 1)
    for index in features.indices {
      guard case .polygons(let a)? = shared.geometry(of: index, arcs: arcs) else {
        Issue.record("feature \(index) is not polygonal")
        continue
      }
      #expect(a.first?.first?.count == [5, 5, 4][index], "closed rings: two squares, a triangle")
    }
    // The triangle apart comes back as its own corners in tile units.
    guard case .polygons(let triangle)? = shared.geometry(of: 2, arcs: arcs) else { return }
    let corners = Set(apart.map { ($0 * scale).rounded(.toNearestOrAwayFromZero) })
    #expect(Set(triangle.joined().joined()) == corners)
  }

  @Test("a long border crossed by a simplified arc is found among many short arcs")
  func longSegmentCrossing() {
    // Arc 0 bulges up to y = 10 between (0, 0) and (100, 0); simplified with a
    // tolerance of 20 it would become the straight line y = 0 and cross arc 1, a
    // segment 100,000 units long running down from under the bulge. A thousand
    // one-unit arcs far away make the average segment short, so the long segment
    // covers thousands of cells of the crossing check's grid.
    var arcs: [[SIMD2<Double>]] = [
      [[0, 0], [50, 10], [100, 0]],
      [[50, 5], [50, -100_000]],
    ]
    for k in 0..<1000 {
      arcs.append([[1_000_000 + Double(k) * 3, 0], [1_000_001 + Double(k) * 3, 0]])
    }
    let packed = ArcSimplifier(arcs: PackedLines(arcs), scale: 1).simplify(
      tolerance: 20, threads: 2, as: Double.self)
    #expect(packed.count == arcs.count)
    let simple = (0..<packed.count).map(packed.line)
    #expect(simple[0].count == 3, "the bulge is kept: straightening it would cross arc 1")
    #expect(simple[1] == arcs[1])
    for i in 0..<2 {
      for j in 0..<2 where i < j {
        for (a, b) in zip(simple[i], simple[i].dropFirst()) {
          for (c, d) in zip(simple[j], simple[j].dropFirst()) {
            #expect(!ArcSimplifier.conflict(a, b, c, d))
          }
        }
      }
    }
  }

  @Test("many bulges over short borders all kept, several suspects sharing the check's cells")
  func manyBulgesKept() {
    // Pair i: arc 2i bulges up to y0 + 10 between (0, y0) and (100, y0); arc
    // 2i + 1 runs from (50, y0 + 5) down to (50, y0 - 5), under the bulge.
    // Straightened with a tolerance of 20, each bulge would cross its border.
    // Pairs 30 units apart share the crossing check's cells, so each cell holds
    // the segments of several suspects.
    var arcs: [[SIMD2<Double>]] = []
    for i in 0..<400 {
      let y0 = 30 * Double(i)
      arcs.append([[0, y0], [50, y0 + 10], [100, y0]])
      arcs.append([[50, y0 + 5], [50, y0 - 5]])
    }
    #expect(DouglasPeucker.simplify(arcs[0], tolerance: 20).count == 2, "unchecked, it straightens")
    for threads in [1, 3] {
      let packed = ArcSimplifier(arcs: PackedLines(arcs), scale: 1).simplify(
        tolerance: 20, threads: threads, as: Int32.self)
      let simple = (0..<packed.count).map { packed.line($0).map(Int32.double) }
      let changed = simple.indices.filter { simple[$0] != arcs[$0] }
      #expect(
        changed.isEmpty,
        "every bulge kept, every border as it was (\(threads) threads): \(changed.prefix(5))")
      // And, independently of which arcs were redone: no two arcs conflict.
      var conflicts = 0
      for i in simple.indices {
        for j in simple.indices where i < j && abs(i / 2 - j / 2) <= 1 {
          for (a, b) in zip(simple[i], simple[i].dropFirst()) {
            for (c, d) in zip(simple[j], simple[j].dropFirst())
            where ArcSimplifier.conflict(a, b, c, d) {
              conflicts += 1
            }
          }
        }
      }
      #expect(conflicts == 0)
    }
  }

  @Test("packed lines joined from parts, some replaced, read back as arrays do")
  func packedLines() {
    var generator = SeededGenerator(seed: 5)
    var reference: [[SIMD2<Double>]] = []
    var parts: [PackedLines<Double>] = []
    for _ in 0..<7 {
      var part = PackedLines<Double>()
      for _ in 0..<(1 + Int(generator.next() % 4)) {
        let line = (0..<Int(generator.next() % 4)).map { _ in
          SIMD2(Double(generator.next() % 100), Double(generator.next() % 100))
        }
        for point in line { part.append(point) }
        part.endLine()
        reference.append(line)
      }
      parts.append(part)
    }
    #expect((0..<PackedLines(reference).count).map(PackedLines(reference).line) == reference)
    for spare in [false, true] {
      var taken = parts
      var lines = PackedLines(joining: &taken, spare: spare)
      #expect(taken.allSatisfy { $0.count == 0 && $0.points.isEmpty }, "parts emptied as joined")
      var expected = reference
      #expect((0..<lines.count).map(lines.line) == expected)
      let replacements: [(Int, [SIMD2<Double>])] = [
        (0, [[1, 2], [3, 4], [5, 6]]), (3, []), (0, [[7, 8]]),
      ]
      for (index, line) in replacements {
        lines.replace(index, with: line)
        expected[index] = line
      }
      #expect((0..<lines.count).map(lines.line) == expected)
      #expect((0..<lines.count).map(lines.count(of:)) == expected.map(\.count))
    }
  }

  @Test("one layer encoder writes features of every kind and length one after another")
  func encoderReuse() throws {
    var encoder = MVTLayerEncoder(name: "mixed", extent: 4096, fieldNames: ["name", "n"])
    let ring: [SIMD2<Int32>] = (0..<200).map { k in
      let angle = Double(k) / 200 * 2 * .pi
      return SIMD2(Int32(2048 + 1000 * cos(angle)), Int32(2048 + 1000 * sin(angle)))
    }
    encoder.add(
      id: 1, shape: .polygons([[ring]]), attributes: [.string("long"), .integer(1)])
    encoder.add(id: 2, shape: .points([SIMD2(5, 6)]), attributes: [.null, .integer(300)])
    encoder.add(
      id: 3, shape: .lines([[SIMD2(0, 0), SIMD2(4095, 4095)]]),
      attributes: [.string("line"), .integer(1)])
    #expect(encoder.featureCount == 3)
    let bytes = MVTTile.encode([encoder])
    // Several layers in one tile, empty layers left out.
    let empty = MVTLayerEncoder(name: "empty", extent: 4096, fieldNames: [])
    var other = MVTLayerEncoder(name: "other", extent: 512, fieldNames: ["k"])
    other.add(id: 9, shape: .points([SIMD2(1, 2)]), attributes: [.real(2.5)])
    let both = TileDecoding.decode(MVTTile.encode([encoder, empty, other]))
    #expect(both.map(\.name) == ["mixed", "other"])
    #expect(both.map(\.extent) == [4096, 512])
    #expect(both.last?.features.map(\.id) == [9])
    #expect(both.last?.features.first?.properties == ["k": "2.5"])
    #expect(both.first?.features.map(\.id) == [1, 2, 3])
    let layer = try #require(TileDecoding.decode(bytes).first)
    #expect(layer.features.map(\.id) == [1, 2, 3])
    #expect(layer.features.map(\.type) == [3, 1, 2])
    #expect(layer.features[0].parts.first?.count == 200)
    #expect(layer.features[1].parts == [[SIMD2(5, 6)]])
    #expect(layer.features[2].parts == [[SIMD2(0, 0), SIMD2(4095, 4095)]])
    #expect(
      layer.features.map(\.properties) == [
        ["name": "long", "n": "1"], ["n": "300"], ["name": "line", "n": "1"],
      ])
  }

  @Test("equal values share one entry of the layer's value table, as MVTValue's equality says")
  func valueTable() throws {
    var encoder = MVTLayerEncoder(name: "values", extent: 4096, fieldNames: ["v"])
    let values: [FieldValue] = [
      .real(0), .real(-0.0), .real(.nan), .real(.nan), .integer(5), .real(5), .integer(-5),
      .boolean(true), .string("5"), .integer(5), .string("5"), .boolean(true), .integer(1),
      .boolean(true), .real(-5), .integer(-5),
    ]
    // 0 and -0 are equal; NaN equals nothing; a whole number, a real, a boolean
    // and a text of the same digits are four values.
    let expected = [0, 0, 1, 2, 3, 4, 5, 6, 7, 3, 7, 6, 8, 6, 9, 5]
    for value in values { encoder.add(id: 1, shape: .points([SIMD2(1, 1)]), attributes: [value]) }
    // Enough distinct reals to make the table grow, each seen twice.
    for round in 0..<2 {
      for k in 0..<5000 {
        encoder.add(
          id: Int64(round), shape: .points([SIMD2(1, 1)]), attributes: [.real(Double(k) + 0.5)])
      }
    }
    let layer = try #require(TileDecoding.decode(MVTTile.encode([encoder])).first)
    let indices = layer.features.map { $0.tags.count == 2 && $0.tags[0] == 0 ? $0.tags[1] : -1 }
    #expect(Array(indices.prefix(values.count)) == expected)
    let reals = Array(indices.dropFirst(values.count))
    let wrong = zip(reals, (0..<10_000).map { 10 + $0 % 5000 }).filter { $0 != $1 }.count
    #expect(reals.count == 10_000 && wrong == 0, "\(wrong) reals with another value's index")
  }
}
