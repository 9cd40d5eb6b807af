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
  /// `features` → polygons → rings (open, at least 3 points), noded in place;
  /// vertices are inserted on edges on `threads` threads (the result does not
  /// depend on it).
  static func node(_ features: inout [[[[SIMD2<Double>]]]?], tolerance: Double, threads: Int) {
    var segmentLength = 0.0
    var segments = 0
    for polygons in features {
      for rings in polygons ?? [] {
        for ring in rings {
          for k in ring.indices {
            let d = ring[(k + 1) % ring.count] - ring[k]
            segmentLength += (d * d).sum().squareRoot()
            segments += 1
          }
        }
      }
    }
    guard segments > 0 else { return }
    // A ring has as many vertices as segments: no more points than that are bucketed.
    mergeVertices(&features, tolerance: tolerance, expected: segments)
    let cell = max(4 * segmentLength / Double(segments), tolerance * 8)
    insertOnEdges(
      &features, tolerance: tolerance, cell: cell, expected: segments, threads: threads)
  }

  fileprivate static func key(_ p: SIMD2<Double>, _ cell: Double) -> GridCell {
    GridCell(x: Int64((p.x / cell).rounded(.down)), y: Int64((p.y / cell).rounded(.down)))
  }

  /// Replaces each vertex within `tolerance` of an earlier different vertex by
  /// the first such vertex kept.
  ///
  /// The vertices kept are more than `tolerance` apart, so in a coverage, where
  /// most vertices are exact copies of a kept one, a vertex matches that one.
  /// Kept vertices are chained by cells of 16 tolerances: the disk of radius
  /// `tolerance` around a vertex meets one cell most of the time, and an exact
  /// copy is found in it. With cells of one tolerance and a set of the values
  /// beside them, a new vertex cost eleven table look-ups (nine cells and two
  /// insertions), and the 1.5 million vertices of 8,750 communes took 0.85 s
  /// here, on one thread.
  private static func mergeVertices(
    _ features: inout [[[[SIMD2<Double>]]]?], tolerance: Double, expected: Int
  ) {
    let size = tolerance * 16
    var kept = PointBuckets(cell: size, expected: expected)
    let limit = tolerance * tolerance
    /// The kept vertex equal to `point`, else the first kept within `tolerance`.
    func match(_ point: SIMD2<Double>) -> SIMD2<Double>? {
      let low = key(point - tolerance, size)
      let high = key(point + tolerance, size)
      var first = Int32.max
      for x in low.x...high.x {
        for y in low.y...high.y {
          var index = kept.first(in: GridCell(x: x, y: y))
          while index >= 0 {
            let other = kept.points[Int(index)]
            if other == point { return other }
            let d = other - point
            if (d * d).sum() <= limit { first = min(first, index) }
            index = kept.next(after: index)
          }
        }
      }
      return first == .max ? nil : kept.points[Int(first)]
    }
    for f in features.indices {
      guard var polygons = features[f] else { continue }
      var changed = false
      for p in polygons.indices {
        for r in polygons[p].indices {
          var moved = false
          for k in polygons[p][r].indices {
            let point = polygons[p][r][k]
            guard let known = match(point) else {
              kept.add(point)
              continue
            }
            if known != point {
              polygons[p][r][k] = known
              moved = true
            }
          }
          // Merging may have made consecutive points equal.
          if moved || hasRepeats(polygons[p][r]) {
            var open: [SIMD2<Double>] = []
            for point in polygons[p][r] where point != open.last { open.append(point) }
            while open.count > 1 && open.first == open.last { open.removeLast() }
            polygons[p][r] = open
            changed = true
          }
        }
      }
      if changed {
        for p in polygons.indices { polygons[p] = polygons[p].filter { $0.count >= 3 } }
        features[f] = polygons.filter { !$0.isEmpty }
      }
    }
  }

  /// Whether an open ring has two equal consecutive points (the last and the first
  /// included) or fewer than three points.
  private static func hasRepeats(_ ring: [SIMD2<Double>]) -> Bool {
    guard ring.count >= 3 else { return true }
    if ring[0] == ring[ring.count - 1] { return true }
    for k in 1..<ring.count where ring[k] == ring[k - 1] { return true }
    return false
  }

  /// Inserts into each edge the vertices of other rings lying on it.
  ///
  /// The vertices are bucketed first; then features are looked at on every
  /// thread, by blocks of 4,096 whose changed rings replace the old ones before
  /// the next block (so no more than a block's rings are held twice). On 105,000
  /// grid cells this took 0.1 s on one thread, serial between reading and tiling.
  private static func insertOnEdges(
    _ features: inout [[[[SIMD2<Double>]]]?], tolerance: Double, cell: Double, expected: Int,
    threads: Int
  ) {
    // Every distinct vertex (neighbours share theirs after merging), bucketed by cell.
    var buckets = PointBuckets(cell: cell, expected: expected)
    for polygons in features {
      for rings in polygons ?? [] {
        for ring in rings {
          for point in ring where !buckets.holds(point) { buckets.add(point) }
        }
      }
    }
    let vertices = buckets
    let block = 4_096
    for start in stride(from: 0, to: features.count, by: block) {
      let end = min(features.count, start + block)
      // A copy of the block's entries (not a slice, which would make the changes
      // below copy the whole array).
      let slice = Array(features[start..<end])
      let changes = ParallelChunks.map(count: slice.count, threads: threads, rangesPerThread: 4) {
        range in
        var changed: [(Int, [[[SIMD2<Double>]]])] = []
        for offset in range {
          guard let original = slice[offset],
            let noded = inserted(original, vertices, tolerance: tolerance, cell: cell)
          else { continue }
          changed.append((start + offset, noded))
        }
        return changed
      }
      for part in changes {
        for (f, noded) in part { features[f] = noded }
      }
    }
  }

  /// `polygons` with the vertices of `vertices` lying on their edges inserted, or
  /// nil when no edge has any.
  private static func inserted(
    _ polygons: [[[SIMD2<Double>]]], _ vertices: PointBuckets, tolerance: Double, cell: Double
  ) -> [[[SIMD2<Double>]]]? {
    let limit = tolerance * tolerance
    /// The vertices lying on edge a–b (within `tolerance`, strictly between its
    /// ends), in order from a.
    func onEdge(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> [SIMD2<Double>] {
      let low = key(SIMD2(min(a.x, b.x) - tolerance, min(a.y, b.y) - tolerance), cell)
      let high = key(SIMD2(max(a.x, b.x) + tolerance, max(a.y, b.y) + tolerance), cell)
      guard (high.x - low.x + 1) * (high.y - low.y + 1) <= 4096 else { return [] }
      let ab = b - a
      let length = (ab * ab).sum()
      guard length > 0 else { return [] }
      var found: [(Double, SIMD2<Double>)] = []
      for cx in low.x...high.x {
        for cy in low.y...high.y {
          var index = vertices.first(in: GridCell(x: cx, y: cy))
          while index >= 0 {
            let v = vertices.points[Int(index)]
            index = vertices.next(after: index)
            guard v != a && v != b else { continue }
            let t = ((v - a) * ab).sum() / length
            guard t > 0, t < 1 else { continue }
            let d = v - (a + t * ab)
            if (d * d).sum() <= limit { found.append((t, v)) }
          }
        }
      }
      found.sort { $0.0 < $1.0 }
      return found.map(\.1)
    }
    var result = polygons
    var changed = false
    for p in polygons.indices {
      for r in polygons[p].indices {
        let ring = polygons[p][r]
        // Built only once a vertex is found on an edge of the ring.
        var output: [SIMD2<Double>]?
        for k in ring.indices {
          let a = ring[k]
          let found = onEdge(a, ring[(k + 1) % ring.count])
          if output == nil && found.isEmpty { continue }
          if output == nil { output = Array(ring[...k]) } else { output!.append(a) }
          for v in found where v != output!.last { output!.append(v) }
        }
        if let output {
          result[p][r] = output
          changed = true
        }
      }
    }
    return changed ? result : nil
  }
}

/// Distinct points chained by the square cell they fall in, in the order added.
/// The points are stored once, here; the table of cells holds indices into them
/// (`IndexTable`). A point is found by value in its cell's chain: a second table
/// by value cost as much time as it saved, and 4 bytes a slot.
private struct PointBuckets: Sendable {
  /// The points, in the order added.
  private(set) var points: [SIMD2<Double>] = []
  private var chained: [Int32] = []
  /// At a chain's first point, the chain's last point.
  private var last: [Int32] = []
  private var byCell = IndexTable()
  private let cell: Double

  /// Empty buckets of `cell` units a side, for at most `expected` points: the
  /// arrays are reserved once rather than grown by copying (the 6.2 million
  /// vertices of 35,000 communes held two copies of 70 MB while one grew; reserved
  /// room that is never filled is not resident).
  init(cell: Double, expected: Int) {
    self.cell = cell
    points.reserveCapacity(expected)
    chained.reserveCapacity(expected)
    last.reserveCapacity(expected)
  }

  /// Adds `point`, which must not have been added, at the end of its cell's chain.
  mutating func add(_ point: SIMD2<Double>) {
    let index = Int32(points.count)
    points.append(point)
    chained.append(-1)
    last.append(index)
    let points = self.points
    let size = cell
    let first = Int(
      byCell.insert(index, key: CoverageNoding.key(point, size)) {
        CoverageNoding.key(points[Int($0)], size)
      })
    if first != Int(index) {
      chained[Int(last[first])] = index
      last[first] = index
    }
  }

  /// Whether `point` was added.
  func holds(_ point: SIMD2<Double>) -> Bool {
    var index = first(in: CoverageNoding.key(point, cell))
    while index >= 0 {
      if points[Int(index)] == point { return true }
      index = chained[Int(index)]
    }
    return false
  }

  /// The first point of `cell`'s chain, or -1.
  func first(in cell: GridCell) -> Int32 {
    byCell.find(cell) { CoverageNoding.key(points[Int($0)], self.cell) } ?? -1
  }

  /// The point after `index` in its cell's chain, or -1.
  func next(after index: Int32) -> Int32 { chained[Int(index)] }
}
