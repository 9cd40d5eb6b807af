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
  /// `features` → polygons → rings (open, at least 3 points), noded in place.
  static func node(_ features: inout [[[[SIMD2<Double>]]]?], tolerance: Double) {
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
    mergeVertices(&features, tolerance: tolerance)
    let cell = max(4 * segmentLength / Double(segments), tolerance * 8)
    insertOnEdges(&features, tolerance: tolerance, cell: cell)
  }

  private static func key(_ p: SIMD2<Double>, _ cell: Double) -> GridCell {
    GridCell(x: Int64((p.x / cell).rounded(.down)), y: Int64((p.y / cell).rounded(.down)))
  }

  /// Replaces each vertex within `tolerance` of an earlier different vertex by it.
  ///
  /// The vertices kept are more than `tolerance` apart, so a vertex equal to a kept
  /// one can match no other: in a coverage most vertices are such exact copies, and
  /// they cost one set look-up instead of a search of nine cells. Kept vertices are
  /// chained by cell in the order seen (`first`/`last` per cell, `next` per vertex).
  private static func mergeVertices(_ features: inout [[[[SIMD2<Double>]]]?], tolerance: Double) {
    var kept = FlatTable<SIMD2<Double>, Void>()
    var cells = FlatTable<GridCell, (first: Int32, last: Int32)>()
    var points: [SIMD2<Double>] = []
    var next: [Int32] = []
    let limit = tolerance * tolerance
    func match(_ point: SIMD2<Double>, centre: GridCell) -> SIMD2<Double>? {
      for dx in -1...1 {
        for dy in -1...1 {
          var index = cells[GridCell(x: centre.x + Int64(dx), y: centre.y + Int64(dy))]?.first ?? -1
          while index >= 0 {
            let d = points[Int(index)] - point
            if (d * d).sum() <= limit { return points[Int(index)] }
            index = next[Int(index)]
          }
        }
      }
      return nil
    }
    for f in features.indices {
      guard var polygons = features[f] else { continue }
      var changed = false
      for p in polygons.indices {
        for r in polygons[p].indices {
          var moved = false
          for k in polygons[p][r].indices {
            let point = polygons[p][r][k]
            if kept.contains(point) { continue }
            let centre = key(point, tolerance)
            if let known = match(point, centre: centre) {
              polygons[p][r][k] = known
              moved = true
              continue
            }
            kept.insert(point)
            let index = Int32(points.count)
            points.append(point)
            next.append(-1)
            if let chain = cells[centre] {
              next[Int(chain.last)] = index
              cells[centre] = (chain.first, index)
            } else {
              cells[centre] = (index, index)
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
  private static func insertOnEdges(
    _ features: inout [[[[SIMD2<Double>]]]?], tolerance: Double, cell: Double
  ) {
    // Every distinct vertex (neighbours share theirs after merging), bucketed by cell.
    var seen = FlatTable<SIMD2<Double>, Void>()
    var vertices = FlatTable<GridCell, [SIMD2<Double>]>()
    for polygons in features {
      for rings in polygons ?? [] {
        for ring in rings {
          for point in ring where seen.insert(point) {
            vertices.modify(key(point, cell), initial: []) { $0.append(point) }
          }
        }
      }
    }
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
          for v in vertices[GridCell(x: cx, y: cy)] ?? [] where v != a && v != b {
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
    for f in features.indices {
      guard let original = features[f] else { continue }
      var polygons = original
      var changed = false
      for p in original.indices {
        for r in original[p].indices {
          let ring = original[p][r]
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
            polygons[p][r] = output
            changed = true
          }
        }
      }
      if changed { features[f] = polygons }
    }
  }
}
