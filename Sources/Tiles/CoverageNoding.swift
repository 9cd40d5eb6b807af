import GeoCore

/// Makes the rings of a polygon coverage share their vertices exactly, so that
/// `SharedBorders` can find every shared border by equality.
///
/// Real coverages (census tracts, parcels, municipalities) are rarely noded:
/// one polygon often has a vertex in the middle of its neighbour's edge (a
/// T-junction), or two neighbours carry the same corner a few millimetres
/// apart. Left alone, such a border would be two different arcs, simplified
/// differently on each side, opening gaps at low zooms. Here vertices closer
/// than `tolerance` are merged (the first seen wins), and a vertex lying within
/// `tolerance` of another ring's edge is inserted into that edge.
enum CoverageNoding {
  /// Nodes `rings` in place; vertices are inserted on edges on `threads` threads
  /// (the result does not depend on it).
  static func node(_ rings: inout CoverageRings, tolerance: Double, threads: Int) {
    var segmentLength = 0.0
    let segments = rings.points.count
    for r in 0..<rings.ringCount {
      let ring = rings.range(ofRing: r)
      for k in ring {
        let d = rings.points[k + 1 == ring.upperBound ? ring.lowerBound : k + 1] - rings.points[k]
        segmentLength += (d * d).sum().squareRoot()
      }
    }
    guard segments > 0 else { return }
    // A ring has as many vertices as segments: no more points than that are bucketed.
    mergeVertices(&rings, tolerance: tolerance, expected: segments)
    rings.removeRepeats()
    let cell = max(4 * segmentLength / Double(segments), tolerance * 8)
    rings.insert(
      onEdges(rings, tolerance: tolerance, cell: cell, expected: segments, threads: threads))
  }

  fileprivate static func key(_ p: SIMD2<Double>, _ cell: Double) -> GridCell {
    GridCell(x: Int64((p.x / cell).rounded(.down)), y: Int64((p.y / cell).rounded(.down)))
  }

  /// Replaces each vertex within `tolerance` of an earlier different vertex by
  /// the first such vertex kept; consecutive points may become equal
  /// (`CoverageRings.removeRepeats` follows).
  ///
  /// The vertices kept are more than `tolerance` apart, so in a coverage, where
  /// most vertices are exact copies of a kept one, a vertex matches that one.
  /// Kept vertices are chained by cells of 16 tolerances: the disk of radius
  /// `tolerance` around a vertex meets one cell most of the time, and an exact
  /// copy is found in it. With cells of one tolerance and a set of the values
  /// beside them, a new vertex cost eleven table look-ups (nine cells and two
  /// insertions), and the 1.5 million vertices of 8,750 communes took 0.85 s
  /// here, on one thread. A kept vertex is never moved, so the buckets hold
  /// its place in the rings rather than a copy.
  private static func mergeVertices(
    _ rings: inout CoverageRings, tolerance: Double, expected: Int
  ) {
    let size = tolerance * 16
    // Cells of 16 tolerances hold about one kept vertex each, and in a coverage
    // about half the vertices are kept (each border has two sides): the table of
    // cells is made that size at once rather than doubled, old beside new, on
    // the way (2 MiB less at the peak of 8,750 communes, and faster).
    var kept = PointBuckets(cell: size, expected: expected, cells: expected / 2)
    let limit = tolerance * tolerance
    rings.withPoints { points in
      let all = UnsafeBufferPointer(points)
      /// The kept vertex equal to `point`, else the first kept within `tolerance`.
      func match(_ point: SIMD2<Double>) -> SIMD2<Double>? {
        let low = key(point - tolerance, size)
        let high = key(point + tolerance, size)
        var first = Int32.max
        for x in low.x...high.x {
          for y in low.y...high.y {
            var member = kept.first(in: GridCell(x: x, y: y), all)
            while member >= 0 {
              let other = kept.point(member, all)
              if other == point { return other }
              let d = other - point
              if (d * d).sum() <= limit { first = min(first, member) }
              member = kept.next(after: member)
            }
          }
        }
        return first == .max ? nil : kept.point(first, all)
      }
      for k in points.indices {
        let point = points[k]
        guard let known = match(point) else {
          kept.add(k, all)
          continue
        }
        if known != point { points[k] = known }
      }
    }
  }

  /// The vertices of other rings lying on each edge, to be inserted after the
  /// edge's first point (`CoverageRings.insert`).
  ///
  /// The vertices are bucketed first (by their first place in the rings); then
  /// the rings are looked at on every thread. On 105,000 grid cells this took
  /// 0.1 s on one thread, serial between reading and tiling.
  private static func onEdges(
    _ rings: CoverageRings, tolerance: Double, cell: Double, expected: Int, threads: Int
  ) -> [(after: Int, points: [SIMD2<Double>])] {
    // Every distinct vertex (neighbours share theirs after merging), bucketed by cell.
    var buckets = PointBuckets(cell: cell, expected: expected)
    rings.points.withUnsafeBufferPointer { points in
      for k in points.indices where !buckets.holds(points[k], points) { buckets.add(k, points) }
    }
    let vertices = buckets
    let parts = ParallelChunks.map(count: rings.ringCount, threads: threads, rangesPerThread: 4) {
      range in
      rings.points.withUnsafeBufferPointer { points in
        var found: [(after: Int, points: [SIMD2<Double>])] = []
        for r in range {
          let ring = rings.range(ofRing: r)
          for k in ring {
            let b = points[k + 1 == ring.upperBound ? ring.lowerBound : k + 1]
            let on = onEdge(
              points[k], b, vertices, points, tolerance: tolerance, cell: cell)
            if !on.isEmpty { found.append((k, on)) }
          }
        }
        return found
      }
    }
    return parts.flatMap { $0 }
  }

  /// The vertices of `vertices` lying on edge a–b (within `tolerance`, strictly
  /// between its ends), in order from a.
  private static func onEdge(
    _ a: SIMD2<Double>, _ b: SIMD2<Double>, _ vertices: PointBuckets,
    _ points: UnsafeBufferPointer<SIMD2<Double>>, tolerance: Double, cell: Double
  ) -> [SIMD2<Double>] {
    let low = key(SIMD2(min(a.x, b.x) - tolerance, min(a.y, b.y) - tolerance), cell)
    let high = key(SIMD2(max(a.x, b.x) + tolerance, max(a.y, b.y) + tolerance), cell)
    guard (high.x - low.x + 1) * (high.y - low.y + 1) <= 4096 else { return [] }
    let ab = b - a
    let length = (ab * ab).sum()
    guard length > 0 else { return [] }
    let limit = tolerance * tolerance
    var found: [(Double, SIMD2<Double>)] = []
    for cx in low.x...high.x {
      for cy in low.y...high.y {
        var member = vertices.first(in: GridCell(x: cx, y: cy), points)
        while member >= 0 {
          let v = vertices.point(member, points)
          member = vertices.next(after: member)
          guard v != a && v != b else { continue }
          let t = ((v - a) * ab).sum() / length
          guard t > 0, t < 1 else { continue }
          let d = v - (a + t * ab)
          if (d * d).sum() <= limit { found.append((t, v)) }
        }
      }
    }
    guard !found.isEmpty else { return [] }
    // Ties broken by position: the order of the cells' chains must not matter.
    found.sort { ($0.0, $0.1.x, $0.1.y) < ($1.0, $1.1.x, $1.1.y) }
    // Distinct vertices, none equal to a: the check keeps the ring free of repeats.
    var inserted: [SIMD2<Double>] = []
    for (_, v) in found where v != (inserted.last ?? a) { inserted.append(v) }
    return inserted
  }
}

/// Distinct points chained by the square cell they fall in: a cell's first
/// point, then the others from the latest added. No reader depends on the
/// order (a merge takes the lowest member within reach, edges sort what they
/// find), so a new point goes second in its chain and no array of chain ends
/// is kept (4 bytes a point, 3 MB of the merge on 8,750 communes).
/// The points stay in the rings (`CoverageRings.points`); the buckets hold their
/// places (4 bytes a point, where a copy of the point took 16: two sets of
/// buckets over 1.5 million vertices were 49 MB of the peak, heaptrack), and the
/// table of cells holds member numbers (`IndexTable`). A point is found by value
/// in its cell's chain: a second table by value cost as much time as it saved,
/// and 4 bytes a slot.
private struct PointBuckets: Sendable {
  /// Per member, in the order added: the point's place in the rings.
  private var places: [Int32] = []
  private var chained: [Int32] = []
  private var byCell = IndexTable()
  private let cell: Double

  /// Empty buckets of `cell` units a side, for at most `expected` points: the
  /// arrays are reserved once rather than grown by copying (the 6.2 million
  /// vertices of 35,000 communes held two copies of 70 MB while one grew; reserved
  /// room that is never filled is not resident). The table of cells starts with
  /// room for `cells` cells (its slots are written, so resident, from the start).
  init(cell: Double, expected: Int, cells: Int = 0) {
    self.cell = cell
    byCell = IndexTable(capacity: cells)
    places.reserveCapacity(expected)
    chained.reserveCapacity(expected)
  }

  /// The point of member `member`.
  @inline(__always)
  func point(_ member: Int32, _ points: UnsafeBufferPointer<SIMD2<Double>>) -> SIMD2<Double> {
    points[Int(places[Int(member)])]
  }

  /// Adds the point at `place` of `points`, which must not have been added,
  /// second in its cell's chain (first when the cell had none).
  mutating func add(_ place: Int, _ points: UnsafeBufferPointer<SIMD2<Double>>) {
    let member = Int32(places.count)
    places.append(Int32(place))
    chained.append(-1)
    let places = self.places
    let size = cell
    let first = Int(
      byCell.insert(member, key: CoverageNoding.key(points[place], size)) {
        CoverageNoding.key(points[Int(places[Int($0)])], size)
      })
    if first != Int(member) {
      chained[Int(member)] = chained[first]
      chained[first] = member
    }
  }

  /// Whether `point` was added.
  func holds(_ point: SIMD2<Double>, _ points: UnsafeBufferPointer<SIMD2<Double>>) -> Bool {
    var member = first(in: CoverageNoding.key(point, cell), points)
    while member >= 0 {
      if self.point(member, points) == point { return true }
      member = chained[Int(member)]
    }
    return false
  }

  /// The first member of `cell`'s chain, or -1.
  func first(in cell: GridCell, _ points: UnsafeBufferPointer<SIMD2<Double>>) -> Int32 {
    byCell.find(cell) { CoverageNoding.key(points[Int(places[Int($0)])], self.cell) } ?? -1
  }

  /// The member after `member` in its cell's chain, or -1.
  func next(after member: Int32) -> Int32 { chained[Int(member)] }
}
