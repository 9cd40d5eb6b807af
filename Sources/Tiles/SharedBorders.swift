/// Simplification that keeps neighbouring polygons gap-free and overlap-free.
///
/// The polygons' rings are cut at their junctions (vertices where the set of
/// neighbouring vertices changes: where three polygons meet, or where a shared
/// border begins) into arcs, and each distinct arc is stored once whichever side
/// uses it. Simplifying an arc (Douglas–Peucker, endpoints kept) then changes
/// both neighbours identically, so a border shared by two tracts or two grid cells
/// stays shared at every zoom. Coordinates shared by neighbours are bit-identical
/// after projection, which is what makes the junctions findable by equality.
struct SharedBorders: Sendable {
  /// One use of an arc by a ring: which arc, and whether the ring runs it backwards.
  private struct ArcUse: Sendable {
    var arc: Int32
    var reversed: Bool
  }

  /// The distinct arcs; a closed arc (a ring with no junction) repeats its first point.
  private var arcs: [[SIMD2<Double>]] = []
  /// Per feature: `nil` when it is not polygonal, else polygons → rings → arc uses.
  private var uses: [[[[ArcUse]]]?] = []
  /// The arcs each feature uses, flat: feature f's are `featureArcs[arcStart[f]..<arcStart[f + 1]]`.
  private var featureArcs: [Int32] = []
  private var arcStart: [Int] = [0]
  /// Per feature: whether another feature uses one of its arcs.
  private var shared: [Bool] = []

  /// Builds the arcs of every polygonal feature of `features`.
  init(features: [TileFeature]) {
    var cleaned: [[[[SIMD2<Double>]]]?] = []
    cleaned.reserveCapacity(features.count)
    for feature in features {
      guard case .polygons(let polygons) = feature.geometry else {
        cleaned.append(nil)
        continue
      }
      let rings = polygons.map { $0.map(SharedBorders.openRing).filter { $0.count >= 3 } }
      cleaned.append(rings)
    }
    CoverageNoding.node(&cleaned, tolerance: SharedBorders.nodingTolerance)
    let cutAt = SharedBorders.junctionFlags(cleaned)
    var vertexOffset = 0
    // An arc is known by its first two points once made canonical: between two
    // junctions every vertex has the same two neighbours wherever it is used, so
    // the rest of the arc follows from them. Nothing is allocated for an arc
    // already stored, which is most of them in a coverage (each border has two sides).
    var index = FlatTable<SIMD4<Double>, Int32>()
    func key(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> SIMD4<Double> { SIMD4(a.x, a.y, b.x, b.y) }
    func stored(_ canonical: [SIMD2<Double>], key: SIMD4<Double>) -> Int32 {
      if let known = index[key] { return known }
      let id = Int32(arcs.count)
      arcs.append(canonical)
      index[key] = id
      return id
    }
    /// The arc of `ring` from index `from` to `to` (past the end wraps around).
    func open(_ ring: [SIMD2<Double>], from: Int, to: Int) -> ArcUse {
      let n = ring.count
      let first = ring[from % n]
      let second = ring[(from + 1) % n]
      let last = ring[to % n]
      let beforeLast = ring[(to - 1) % n]
      let backwards =
        first == last
        ? SharedBorders.precedes(beforeLast, second) : SharedBorders.precedes(last, first)
      let arcKey = backwards ? key(last, beforeLast) : key(first, second)
      if let known = index[arcKey] { return ArcUse(arc: known, reversed: backwards) }
      var points = (from...to).map { ring[$0 % n] }
      if backwards { points.reverse() }
      return ArcUse(arc: stored(points, key: arcKey), reversed: backwards)
    }
    uses = cleaned.map { polygons in
      polygons?.map { rings in
        rings.map { ring -> [ArcUse] in
          let offset = vertexOffset
          vertexOffset += ring.count
          let cuts = ring.indices.filter { cutAt[offset + $0] }
          guard let start = cuts.first else {
            let (canonical, reversed) = SharedBorders.canonicalLoop(ring + [ring[0]])
            return [
              ArcUse(
                arc: stored(canonical, key: key(canonical[0], canonical[1])), reversed: reversed)
            ]
          }
          return cuts.indices.map { c in
            open(ring, from: cuts[c], to: c + 1 < cuts.count ? cuts[c + 1] : start + ring.count)
          }
        }
      }
    }
    var users = [UInt8](repeating: 0, count: arcs.count)
    for polygons in uses {
      for rings in polygons ?? [] {
        for ring in rings {
          for use in ring {
            featureArcs.append(use.arc)
            users[Int(use.arc)] = users[Int(use.arc)] == .max ? .max : users[Int(use.arc)] + 1
          }
        }
      }
      arcStart.append(featureArcs.count)
    }
    shared = uses.indices.map { f in
      featureArcs[arcStart[f]..<arcStart[f + 1]].contains { users[Int($0)] > 1 }
    }
  }

  /// The arcs at one zoom, in tile units (`scale` is 4096 · 2^z), simplified
  /// with `tolerance` tile units and rounded (see `ArcSimplifier`), for
  /// `geometry(of:arcs:)`.
  func simplifiedArcs(scale: Double, tolerance: Double, threads: Int) -> PackedLines {
    ArcSimplifier(arcs: arcs, scale: scale).simplify(tolerance: tolerance, threads: threads)
  }

  /// Feature `index`'s polygons put together from `simple`, the arcs at one zoom
  /// (`simplifiedArcs`); `nil` when the feature is not polygonal. Rings that
  /// shrink below three points are left out, and polygons whose exterior does.
  func geometry(of index: Int, arcs simple: PackedLines) -> TileGeometry? {
    guard let polygons = uses[index] else { return nil }
    var result: [[[SIMD2<Double>]]] = []
    for rings in polygons {
      var kept: [[SIMD2<Double>]] = []
      for (position, ring) in rings.enumerated() {
        var points: [SIMD2<Double>] = []
        for use in ring {
          let first = simple.start[Int(use.arc)]
          let end = simple.end[Int(use.arc)]
          let skip = points.isEmpty ? 0 : 1
          if use.reversed {
            var k = end - 1 - skip
            while k >= first {
              points.append(simple.points[k])
              k -= 1
            }
          } else if first + skip < end {
            points.append(contentsOf: simple.points[(first + skip)..<end])
          }
        }
        if points.count >= 4 {
          kept.append(points)
        } else if position == 0 {
          break
        }
      }
      if !kept.isEmpty { result.append(kept) }
    }
    return .polygons(result)
  }

  /// Per feature: whether it shares a border (an arc) with another feature, and
  /// whether it shares one with a polygonal feature for which `drawn` is true.
  /// Both `false` for features that are not polygonal.
  func borders(drawn: [Bool]) -> [(shared: Bool, drawnNeighbour: Bool)] {
    var drawnArc = [Bool](repeating: false, count: arcs.count)
    for f in uses.indices where drawn[f] {
      for arc in featureArcs[arcStart[f]..<arcStart[f + 1]] { drawnArc[Int(arc)] = true }
    }
    return uses.indices.map { f in
      (shared[f], featureArcs[arcStart[f]..<arcStart[f + 1]].contains { drawnArc[Int($0)] })
    }
  }

  /// Vertices closer than this (in unit-square units, about 1 cm on the ground at
  /// the equator) are one; a vertex this close to an edge is a vertex of it.
  static let nodingTolerance = 2.5e-10

  /// A ring without its closing point and without repeated consecutive points.
  private static func openRing(_ ring: [SIMD2<Double>]) -> [SIMD2<Double>] {
    var points: [SIMD2<Double>] = []
    points.reserveCapacity(ring.count)
    for point in ring where point != points.last { points.append(point) }
    while points.count > 1 && points.first == points.last { points.removeLast() }
    return points
  }

  /// Per vertex, in reading order (feature, polygon, ring, vertex): whether the ring
  /// must be cut there, because the vertex's pair of neighbours is not the same (in
  /// either order) in every ring that passes through it.
  ///
  /// The vertices are copied into one flat array, and the table of distinct points
  /// (`IndexTable`) holds indices into it, not the points and their neighbours.
  private static func junctionFlags(_ features: [[[[SIMD2<Double>]]]?]) -> [Bool] {
    let count = features.reduce(0) { total, polygons in
      total + (polygons ?? []).reduce(0) { $0 + $1.reduce(0) { $0 + $1.count } }
    }
    precondition(count < Int32.max, "more vertices than the border index holds")
    var points: [SIMD2<Double>] = []
    var before: [Int32] = []
    var after: [Int32] = []
    points.reserveCapacity(count)
    before.reserveCapacity(count)
    after.reserveCapacity(count)
    for polygons in features {
      for rings in polygons ?? [] {
        for ring in rings where !ring.isEmpty {
          let start = Int32(points.count)
          let last = Int32(ring.count - 1)
          points.append(contentsOf: ring)
          for k in 0...last {
            before.append(start + (k == 0 ? last : k - 1))
            after.append(start + (k == last ? 0 : k + 1))
          }
        }
      }
    }
    /// The neighbours of vertex `i`, the smaller first.
    func neighbours(_ i: Int) -> (SIMD2<Double>, SIMD2<Double>) {
      let previous = points[Int(before[i])]
      let next = points[Int(after[i])]
      return precedes(previous, next) ? (previous, next) : (next, previous)
    }
    // The first vertex seen at each point stands for the point.
    var table = IndexTable()
    var representative = [Int32](repeating: 0, count: points.count)
    var cut = [Bool](repeating: false, count: points.count)
    for i in points.indices {
      let first = Int(table.insert(Int32(i), key: points[i]) { points[Int($0)] })
      representative[i] = Int32(first)
      if first != i && !cut[first] && neighbours(i) != neighbours(first) { cut[first] = true }
    }
    return representative.map { cut[Int($0)] }
  }

  /// A closed ring (first point repeated) started at its smallest point and run in
  /// the direction whose second point is the smaller.
  private static func canonicalLoop(_ ring: [SIMD2<Double>]) -> ([SIMD2<Double>], Bool) {
    let open = Array(ring.dropLast())
    var start = 0
    for k in open.indices where precedes(open[k], open[start]) { start = k }
    let rotated = Array(open[start...] + open[..<start])
    let forward = rotated + [rotated[0]]
    if precedes(rotated[rotated.count - 1], rotated[1]) {
      return (forward.reversed(), true)
    }
    return (forward, false)
  }

  /// Lexicographic order on (x, y).
  private static func precedes(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> Bool {
    a.x < b.x || (a.x == b.x && a.y < b.y)
  }
}

/// Douglas–Peucker line simplification with both endpoints kept.
enum DouglasPeucker {
  /// The points of `line` that stay within `tolerance` of the original.
  static func simplify(_ line: [SIMD2<Double>], tolerance: Double) -> [SIMD2<Double>] {
    guard line.count > 2 else { return line }
    var keep = [Bool](repeating: false, count: line.count)
    keep[0] = true
    keep[line.count - 1] = true
    let limit = tolerance * tolerance
    var stack = [(0, line.count - 1)]
    while let (first, last) = stack.popLast() {
      guard last > first + 1 else { continue }
      var farthest = first
      var distance = -1.0
      for k in (first + 1)..<last {
        let d = squaredDistance(line[k], line[first], line[last])
        if d > distance {
          distance = d
          farthest = k
        }
      }
      if distance > limit {
        keep[farthest] = true
        stack.append((first, farthest))
        stack.append((farthest, last))
      }
    }
    return line.indices.filter { keep[$0] }.map { line[$0] }
  }

  /// The squared distance from `p` to the segment `a`–`b`.
  static func squaredDistance(_ p: SIMD2<Double>, _ a: SIMD2<Double>, _ b: SIMD2<Double>) -> Double
  {
    let ab = b - a
    let length = (ab * ab).sum()
    var t = length > 0 ? ((p - a) * ab).sum() / length : 0
    t = min(max(t, 0), 1)
    let d = p - (a + t * ab)
    return (d * d).sum()
  }
}
