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

  private static func key(_ p: SIMD2<Double>, _ cell: Double) -> SIMD2<Int64> {
    SIMD2(Int64((p.x / cell).rounded(.down)), Int64((p.y / cell).rounded(.down)))
  }

  /// Replaces each vertex within `tolerance` of an earlier different vertex by it.
  private static func mergeVertices(_ features: inout [[[[SIMD2<Double>]]]?], tolerance: Double) {
    var grid: [SIMD2<Int64>: [SIMD2<Double>]] = [:]
    let limit = tolerance * tolerance
    for f in features.indices {
      guard var polygons = features[f] else { continue }
      for p in polygons.indices {
        for r in polygons[p].indices {
          for k in polygons[p][r].indices {
            let point = polygons[p][r][k]
            let centre = key(point, tolerance)
            var match: SIMD2<Double>?
            search: for dx in -1...1 {
              for dy in -1...1 {
                for known in grid[centre &+ SIMD2(Int64(dx), Int64(dy))] ?? [] {
                  let d = known - point
                  if (d * d).sum() <= limit {
                    match = known
                    break search
                  }
                }
              }
            }
            if let match {
              polygons[p][r][k] = match
            } else {
              grid[centre, default: []].append(point)
            }
          }
          // Merging may have made consecutive points equal.
          var open: [SIMD2<Double>] = []
          for point in polygons[p][r] where point != open.last { open.append(point) }
          while open.count > 1 && open.first == open.last { open.removeLast() }
          polygons[p][r] = open
        }
        polygons[p] = polygons[p].filter { $0.count >= 3 }
      }
      features[f] = polygons.filter { !$0.isEmpty }
    }
  }

  /// Inserts into each edge the vertices of other rings lying on it.
  private static func insertOnEdges(
    _ features: inout [[[[SIMD2<Double>]]]?], tolerance: Double, cell: Double
  ) {
    // Every vertex, bucketed by cell.
    var vertices: [SIMD2<Int64>: [SIMD2<Double>]] = [:]
    for polygons in features {
      for rings in polygons ?? [] {
        for ring in rings {
          for point in ring {
            vertices[key(point, cell), default: []].append(point)
          }
        }
      }
    }
    let limit = tolerance * tolerance
    for f in features.indices {
      guard var polygons = features[f] else { continue }
      for p in polygons.indices {
        for r in polygons[p].indices {
          let ring = polygons[p][r]
          var output: [SIMD2<Double>] = []
          output.reserveCapacity(ring.count)
          for k in ring.indices {
            let a = ring[k]
            let b = ring[(k + 1) % ring.count]
            output.append(a)
            let low = key(SIMD2(min(a.x, b.x) - tolerance, min(a.y, b.y) - tolerance), cell)
            let high = key(SIMD2(max(a.x, b.x) + tolerance, max(a.y, b.y) + tolerance), cell)
            guard (high.x - low.x + 1) * (high.y - low.y + 1) <= 4096 else { continue }
            var found: [(Double, SIMD2<Double>)] = []
            let ab = b - a
            let length = (ab * ab).sum()
            guard length > 0 else { continue }
            for cx in low.x...high.x {
              for cy in low.y...high.y {
                for v in vertices[SIMD2(cx, cy)] ?? [] where v != a && v != b {
                  let t = ((v - a) * ab).sum() / length
                  guard t > 0, t < 1 else { continue }
                  let d = v - (a + t * ab)
                  if (d * d).sum() <= limit { found.append((t, v)) }
                }
              }
            }
            guard !found.isEmpty else { continue }
            found.sort { $0.0 < $1.0 }
            for (_, v) in found where v != output.last { output.append(v) }
          }
          polygons[p][r] = output
        }
      }
      features[f] = polygons
    }
  }
}
