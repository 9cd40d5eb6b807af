import Testing

@testable import Tiles

extension CoverageNoding {
  /// `node(_:tolerance:threads:)` of rings given as features → polygons → rings
  /// (open, at least 3 points), `nil` for a feature that is not polygonal.
  static func node(_ features: inout [[[[SIMD2<Double>]]]?], tolerance: Double, threads: Int) {
    var rings = CoverageRings(nested: features)
    node(&rings, tolerance: tolerance, threads: threads)
    features = rings.nested
  }
}

/// The noding that makes a coverage's neighbours share their vertices exactly.
@Suite("Coverage noding")
struct CoverageNodingTests {
  /// Polygons → rings → points.
  typealias Rings = [[[SIMD2<Double>]]]

  @Test("a T-junction's vertex is inserted into the neighbour's edge, in order")
  func tJunction() {
    // One square on the left, two on the right meeting at (2, 1) on its edge.
    let left: Rings = [[[SIMD2(0, 0), SIMD2(2, 0), SIMD2(2, 2), SIMD2(0, 2)]]]
    let lower: Rings = [[[SIMD2(2, 0), SIMD2(4, 0), SIMD2(4, 1), SIMD2(2, 1)]]]
    let upper: Rings = [[[SIMD2(2, 1), SIMD2(4, 1), SIMD2(4, 2), SIMD2(2, 2)]]]
    var features: [Rings?] = [left, lower, nil, upper]
    CoverageNoding.node(&features, tolerance: 1e-9, threads: 1)
    #expect(features[0] == [[[SIMD2(0, 0), SIMD2(2, 0), SIMD2(2, 1), SIMD2(2, 2), SIMD2(0, 2)]]])
    #expect(features[1] == lower)
    #expect(features[2] == nil)
    #expect(features[3] == upper)
  }

  @Test("a vertex within the tolerance of an earlier one becomes that one")
  func merged() {
    let a: Rings = [[[SIMD2(0, 0), SIMD2(1, 0), SIMD2(1, 1), SIMD2(0, 1)]]]
    let b: Rings = [[[SIMD2(1 + 4e-10, 0), SIMD2(2, 0), SIMD2(2, 1), SIMD2(1, 1 - 3e-10)]]]
    var features: [Rings?] = [a, b]
    CoverageNoding.node(&features, tolerance: 1e-9, threads: 1)
    #expect(features[0] == a)
    #expect(features[1] == [[[SIMD2(1, 0), SIMD2(2, 0), SIMD2(2, 1), SIMD2(1, 1)]]])
  }

  @Test("a vertex near two kept ones becomes the first kept; a match across a cell's edge is found")
  func firstKeptAcrossCells() {
    // Tolerance 1e-9: the buckets are cells of 16e-9. Thin triangles up from
    // near the origin, so that no vertex lies on another triangle's edge.
    func ring(_ points: SIMD2<Double>...) -> Rings { [[points]] }
    let a = SIMD2(16e-9 + 1.3e-9, 0.0)  // kept first, in the second cell
    let b = SIMD2(16e-9 - 0.2e-9, 0.0)  // in the first cell, 1.5e-9 from a
    let first = ring(a, SIMD2(-0.1, 1), SIMD2(-0.15, 2))
    let second = ring(b, SIMD2(-0.2, 1), SIMD2(-0.25, 2))
    // Within the tolerance of both (0.7e-9 from a, 0.8e-9 from b): the first
    // kept wins, though b's cell is looked at first.
    let both = ring(SIMD2(16e-9 + 0.6e-9, 0.0), SIMD2(-0.3, 1), SIMD2(-0.35, 2))
    // Within the tolerance of c alone, in the next cell.
    let c = SIMD2(16e-9 - 0.2e-9, 5.0)
    let third = ring(c, SIMD2(-0.1, 6), SIMD2(-0.15, 7))
    let across = ring(SIMD2(16e-9 + 0.3e-9, 5.0 + 1e-10), SIMD2(-0.2, 6), SIMD2(-0.25, 7))
    var features: [Rings?] = [first, second, both, third, across]
    CoverageNoding.node(&features, tolerance: 1e-9, threads: 1)
    #expect(features[0] == first)
    #expect(features[1] == second)
    #expect(features[2] == ring(a, SIMD2(-0.3, 1), SIMD2(-0.35, 2)))
    #expect(features[3] == third)
    #expect(features[4] == ring(c, SIMD2(-0.2, 6), SIMD2(-0.25, 7)))
  }

  /// Columns of unit squares, every other column cut in two at mid-height, so
  /// that each whole square has T-junctions on both sides: more features than
  /// one block of the edge look-ups.
  func staggered(columns: Int, rows: Int) -> [Rings?] {
    /// The rectangle from (x, y) to (x + 1, y + height), counter-clockwise.
    func box(_ x: Double, _ y: Double, _ height: Double) -> Rings {
      let corner = SIMD2(x, y)
      let ring: [SIMD2<Double>] = [
        corner, corner + SIMD2(1, 0), corner + SIMD2(1, height), corner + SIMD2(0, height),
      ]
      return [[ring]]
    }
    var features: [Rings?] = []
    for i in 0..<columns {
      for j in 0..<rows {
        if i % 2 == 0 {
          features.append(box(Double(i), Double(j), 1))
        } else {
          features.append(box(Double(i), Double(j), 0.5))
          features.append(box(Double(i), Double(j) + 0.5, 0.5))
        }
      }
    }
    return features
  }

  @Test("every T-junction of 9,000 squares is noded, the same on 1, 2, 3 and 8 threads")
  func threads() {
    let columns = 60
    let rows = 100
    var reference = staggered(columns: columns, rows: rows)
    CoverageNoding.node(&reference, tolerance: 1e-9, threads: 1)
    // A whole square in column i gains the mid-points of the cut columns beside it.
    var feature = 0
    for i in 0..<columns {
      for _ in 0..<rows {
        let count = reference[feature]![0][0].count
        if i % 2 == 0 {
          let neighbours = (i > 0 ? 1 : 0) + (i < columns - 1 ? 1 : 0)
          #expect(count == 4 + neighbours, "square \(feature)")
          feature += 1
        } else {
          // The halves gain nothing: their corners are the squares' corners or
          // the mid-points, which lie on no edge of theirs.
          #expect(reference[feature]![0][0].count == 4)
          #expect(reference[feature + 1]![0][0].count == 4)
          feature += 2
        }
      }
    }
    for threads in [2, 3, 8] {
      var other = staggered(columns: columns, rows: rows)
      CoverageNoding.node(&other, tolerance: 1e-9, threads: threads)
      #expect(other == reference, "\(threads) threads")
    }
  }
}
