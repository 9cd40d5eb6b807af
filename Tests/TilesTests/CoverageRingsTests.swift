import GeoCore
import Testing

@testable import Tiles

/// The flat store of a layer's rings that noding works on in place.
@Suite("Coverage rings")
struct CoverageRingsTests {
  typealias Rings = [[[SIMD2<Double>]]]

  @Test("features' rings are taken opened, without repeats, short rings left out, features emptied")
  func taking() {
    let square: [SIMD2<Double>] = [[0, 0], [1, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
    let sliver: [SIMD2<Double>] = [[5, 5], [6, 6], [5, 5]]
    let hole: [SIMD2<Double>] = [[0.2, 0.2], [0.4, 0.2], [0.4, 0.4], [0.2, 0.2]]
    var features = [
      TileFeature(id: 0, geometry: .polygons([[square, hole], [sliver]]), attributes: []),
      TileFeature(id: 1, geometry: .points([[3, 3]]), attributes: []),
      TileFeature(id: 2, geometry: .polygons([[sliver]]), attributes: []),
    ]
    let rings = CoverageRings(taking: &features)
    let open: [SIMD2<Double>] = [[0, 0], [1, 0], [1, 1], [0, 1]]
    let openHole: [SIMD2<Double>] = [[0.2, 0.2], [0.4, 0.2], [0.4, 0.4]]
    // A polygon whose rings are all too short stays as a polygon of no rings.
    #expect(rings.nested[0] == [[open, openHole], []])
    #expect(rings.nested[1] == nil)
    #expect(rings.nested[2] == [[]])
    #expect(rings.ringCount == 2)
    for f in [0, 2] {
      guard case .polygons(let polygons) = features[f].geometry else {
        Issue.record("feature \(f) is no longer polygonal")
        continue
      }
      #expect(polygons.isEmpty)
    }
    guard case .points = features[1].geometry else {
      Issue.record("points were taken")
      return
    }
  }

  @Test("repeats made by merging are removed in place, and rings and polygons left too small")
  func removeRepeats() {
    let a: SIMD2<Double> = [0, 0]
    let b: SIMD2<Double> = [1, 0]
    let c: SIMD2<Double> = [1, 1]
    let d: SIMD2<Double> = [0, 1]
    // As if merging had moved points onto their neighbours.
    let features: [Rings?] = [
      [[[a, b, b, c, d, a]], [[a, b, a]]],
      nil,
      [[[c, c, c]]],
      [[[a, b, c]], [[b, c, d, d, b]]],
    ]
    var rings = CoverageRings(nested: features)
    rings.removeRepeats()
    #expect(rings.nested == [[[[a, b, c, d]]], nil, [], [[[a, b, c]], [[b, c, d]]]])
    #expect(rings.points.count == 10)
  }

  /// `insertions` applied to nested rings, one ring at a time.
  func inserted(_ features: [Rings?], _ insertions: [(after: Int, points: [SIMD2<Double>])])
    -> [Rings?]
  {
    var position = 0
    var byPosition: [Int: [SIMD2<Double>]] = [:]
    for insertion in insertions { byPosition[insertion.after] = insertion.points }
    return features.map { polygons in
      polygons.map { rings in
        rings.map { polygon in
          polygon.map { ring in
            var out: [SIMD2<Double>] = []
            for point in ring {
              out.append(point)
              out.append(contentsOf: byPosition[position] ?? [])
              position += 1
            }
            return out
          }
        }
      }
    }
  }

  @Test("points inserted after given places land in their rings, with room reserved and without")
  func insert() {
    var generator = SeededGenerator(seed: 7)
    func random(_ n: UInt64) -> Int { Int(generator.next() % n) }
    for trial in 0..<40 {
      var features: [Rings?] = []
      var total = 0
      for _ in 0..<(1 + random(12)) {
        if random(5) == 0 {
          features.append(nil)
          continue
        }
        let polygons: Rings = (0..<(1 + random(3))).map { _ in
          (0..<(1 + random(3))).map { _ in
            // Distinct points, so that taking the rings keeps every one.
            let count = 3 + random(6)
            defer { total += count }
            return (0..<count).map { SIMD2(Double(total + $0), Double(random(1000))) }
          }
        }
        features.append(polygons)
      }
      var insertions: [(after: Int, points: [SIMD2<Double>])] = []
      for place in 0..<total where random(3) == 0 {
        insertions.append((place, (0..<(1 + random(3))).map { _ in SIMD2(-Double(place), 0) }))
      }
      // From features (room reserved: moved in place) and from nested rings
      // (an array of its exact size: copied).
      var taken = features.map { polygons in
        TileFeature(
          id: 0,
          geometry: polygons.map { .polygons($0) } ?? .points([[0, 0]]),
          attributes: [])
      }
      var roomy = CoverageRings(taking: &taken)
      var tight = CoverageRings(nested: features)
      roomy.insert(insertions)
      tight.insert(insertions)
      let expected = inserted(features, insertions)
      #expect(roomy.nested == expected, "trial \(trial), room reserved")
      #expect(tight.nested == expected, "trial \(trial), exact size")
    }
  }
}
