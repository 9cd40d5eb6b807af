import GeoCore

/// A zoom's simplified arcs (`SharedBorders.simplifiedArcs`), in whole tile
/// units: in 32 bits (`narrow`) when every coordinate fits, which is every zoom
/// up to 18 for layers within the unit square, else as doubles (`wide`).
enum ZoomArcs: Sendable {
  case narrow(PackedLines<Int32>)
  case wide(PackedLines<Double>)
}

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
  /// One use of an arc by a ring: which arc, and whether the ring runs it
  /// backwards, in 32 bits (arc · 2 + 1 when backwards).
  private struct ArcUse: Sendable {
    var bits: UInt32
    init(arc: Int32, reversed: Bool) { bits = UInt32(arc) << 1 | (reversed ? 1 : 0) }
    var arc: Int { Int(bits >> 1) }
    var reversed: Bool { bits & 1 == 1 }
  }

  /// The distinct arcs; a closed arc (a ring with no junction) repeats its first point.
  private var arcs = PackedLines<Double>()
  /// Every ring's arc uses, flat, in reading order (feature, polygon, ring).
  /// Ring r's uses are `uses[useStart[r]..<useStart[r + 1]]`, polygon p's rings
  /// `ringStart[p]..<ringStart[p + 1]`, feature f's polygons
  /// `polygonStart[f]..<polygonStart[f + 1]`. One array each instead of nested
  /// arrays per feature: 105,000 grid cells held three arrays each (about 15 MB,
  /// heaptrack), the flat form about 4.
  private var uses: [ArcUse] = []
  private var useStart: [Int32] = [0]
  private var ringStart: [Int32] = [0]
  private var polygonStart: [Int32] = [0]
  /// Per feature: whether it is polygonal.
  private var polygonal: [Bool] = []
  /// Per feature: whether another feature uses one of its arcs.
  private var shared: [Bool] = []
  /// The largest magnitude of the arcs' coordinates (unit-square units): whether a
  /// zoom's tile units fit in 32 bits.
  private var farthest = 0.0

  /// Builds the arcs of every polygonal feature of `features`, and empties their
  /// polygons (`.polygons([])`) as it reads them into flat rings
  /// (`CoverageRings`): the arcs hold them from then on.
  /// The noding's edge look-ups run on `threads` threads; the arcs do not depend on it.
  init(taking features: inout [TileFeature], threads: Int = 1) {
    var rings = CoverageRings(taking: &features)
    // The features' nested arrays, freed one by one, are scattered over the
    // allocator's arenas: their pages go back before noding allocates.
    FreedMemory.release()
    CoverageNoding.node(&rings, tolerance: SharedBorders.nodingTolerance, threads: threads)
    polygonal = rings.polygonal.exactCopy()
    ringStart = rings.ringStart
    polygonStart = rings.polygonStart.exactCopy()
    var points = rings.points
    let pointStart = rings.pointStart
    rings = CoverageRings()
    let cutAt = SharedBorders.junctionFlags(points, pointStart, threads: threads)
    // Arcs are stored by parts of about 65,536 points, joined at the end: one
    // array grown by doubling held up to twice the points while the borders of
    // 8,750 communes (1.5 million vertices) were built.
    var parts: [PackedLines<Double>] = []
    var built = PackedLines<Double>()
    var arcsBefore = 0
    // An arc is known by its first two points once made canonical: between two
    // junctions every vertex has the same two neighbours wherever it is used, so
    // the rest of the arc follows from them. Nothing is allocated for an arc
    // already stored, which is most of them in a coverage (each border has two sides).
    // The keys are kept by arc, and the table holds arc numbers (4 bytes a slot):
    // a table of keys and values took 48 bytes a slot, about 300 MB while it grew
    // for the 1.1 million arcs of 550,000 grid cells (heaptrack).
    var arcKeys: [SIMD4<Double>] = []
    var index = IndexTable()
    func known(_ key: SIMD4<Double>) -> Int32? { index.find(key) { arcKeys[Int($0)] } }
    func key(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> SIMD4<Double> { SIMD4(a.x, a.y, b.x, b.y) }
    func stored(_ canonical: [SIMD2<Double>], key: SIMD4<Double>) -> Int32 {
      if let known = known(key) { return known }
      precondition(arcsBefore + built.count < Int32.max, "more arcs than the border index holds")
      let id = Int32(arcsBefore + built.count)
      for point in canonical { built.append(point) }
      built.endLine()
      if built.points.count >= 1 << 16 {
        arcsBefore += built.count
        parts.append(built)
        built = PackedLines<Double>()
      }
      arcKeys.append(key)
      index.insert(id, key: key) { arcKeys[Int($0)] }
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
      if let known = known(arcKey) { return ArcUse(arc: known, reversed: backwards) }
      var points = (from...to).map { ring[$0 % n] }
      if backwards { points.reverse() }
      return ArcUse(arc: stored(points, key: arcKey), reversed: backwards)
    }
    for r in 0..<(pointStart.count - 1) {
      let offset = Int(pointStart[r])
      let ring = Array(points[offset..<Int(pointStart[r + 1])])
      let cuts = ring.indices.filter { cutAt[offset + $0] }
      if let start = cuts.first {
        for c in cuts.indices {
          uses.append(
            open(ring, from: cuts[c], to: c + 1 < cuts.count ? cuts[c + 1] : start + ring.count))
        }
      } else {
        let (canonical, reversed) = SharedBorders.canonicalLoop(ring + [ring[0]])
        let arc = stored(canonical, key: key(canonical[0], canonical[1]))
        uses.append(ArcUse(arc: arc, reversed: reversed))
      }
      precondition(uses.count < Int32.max, "more arc uses than the border index holds")
      useStart.append(Int32(uses.count))
    }
    points = []
    arcKeys = []
    index = IndexTable()
    // The arcs and uses in arrays of their exact size: they are kept for every zoom.
    parts.append(built)
    built = PackedLines<Double>()
    arcs = PackedLines(joining: &parts, spare: false)
    farthest = arcs.points.reduce(0) { max($0, abs($1.x), abs($1.y)) }
    uses = uses.exactCopy()
    useStart = useStart.exactCopy()
    ringStart = ringStart.exactCopy()
    var users = [UInt8](repeating: 0, count: arcs.count)
    for use in uses { users[use.arc] = users[use.arc] == .max ? .max : users[use.arc] + 1 }
    shared = polygonal.indices.map { f in
      useRange(f).contains { users[uses[$0].arc] > 1 }
    }
  }

  /// Where feature `f`'s arc uses are in `uses`.
  private func useRange(_ f: Int) -> Range<Int> {
    Int(
      useStart[Int(ringStart[Int(polygonStart[f])])])..<Int(
        useStart[Int(ringStart[Int(polygonStart[f + 1])])])
  }

  /// The arcs at one zoom, in tile units (`scale` is 4096 · 2^z), simplified
  /// with `tolerance` tile units and rounded (see `ArcSimplifier`), for
  /// `geometry(of:arcs:)`; in 32 bits where every coordinate fits.
  func simplifiedArcs(scale: Double, tolerance: Double, threads: Int) -> ZoomArcs {
    let simplifier = ArcSimplifier(arcs: arcs, scale: scale)
    // Rounding moves a coordinate by at most half a unit.
    if (farthest * scale).rounded(.up) + 1 < Double(Int32.max) {
      return .narrow(simplifier.simplify(tolerance: tolerance, threads: threads, as: Int32.self))
    }
    return .wide(simplifier.simplify(tolerance: tolerance, threads: threads, as: Double.self))
  }

  /// Feature `index`'s polygons put together from `simple`, the arcs at one zoom
  /// (`simplifiedArcs`); `nil` when the feature is not polygonal. Rings that
  /// shrink below three points are left out, and polygons whose exterior does.
  func geometry(of index: Int, arcs simple: ZoomArcs) -> TileGeometry? {
    switch simple {
    case .narrow(let lines): geometry(of: index, lines: lines)
    case .wide(let lines): geometry(of: index, lines: lines)
    }
  }

  /// `geometry(of:arcs:)` from one kind of stored arcs.
  private func geometry<Scalar>(of index: Int, lines simple: PackedLines<Scalar>) -> TileGeometry? {
    guard polygonal[index] else { return nil }
    var result: [[[SIMD2<Double>]]] = []
    for polygon in Int(polygonStart[index])..<Int(polygonStart[index + 1]) {
      var kept: [[SIMD2<Double>]] = []
      for ring in Int(ringStart[polygon])..<Int(ringStart[polygon + 1]) {
        var points: [SIMD2<Double>] = []
        for use in uses[Int(useStart[ring])..<Int(useStart[ring + 1])] {
          let first = simple.start(use.arc)
          let end = simple.end(use.arc)
          let skip = points.isEmpty ? 0 : 1
          if use.reversed {
            var k = end - 1 - skip
            while k >= first {
              points.append(Scalar.double(simple.points[k]))
              k -= 1
            }
          } else if first + skip < end {
            points.append(contentsOf: simple.points[(first + skip)..<end].lazy.map(Scalar.double))
          }
        }
        if points.count >= 4 {
          kept.append(points)
        } else if ring == Int(ringStart[polygon]) {
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
    for f in polygonal.indices where drawn[f] {
      for k in useRange(f) { drawnArc[uses[k].arc] = true }
    }
    return polygonal.indices.map { f in
      (shared[f], useRange(f).contains { drawnArc[uses[$0].arc] })
    }
  }

  /// Vertices closer than this (in unit-square units, about 1 cm on the ground at
  /// the equator) are one; a vertex this close to an edge is a vertex of it.
  static let nodingTolerance = 2.5e-10

  /// Per vertex, in reading order (feature, polygon, ring, vertex): whether the ring
  /// must be cut there, because the vertex's pair of neighbours is not the same (in
  /// either order) in every ring that passes through it. Ring r is
  /// `points[pointStart[r]..<pointStart[r + 1]]`.
  ///
  /// The table of distinct points (`IndexTable`) holds indices into `points`, not
  /// the points and their neighbours. The first vertex seen at each point stands
  /// for the point; a later one finds its ring's bounds by bisecting
  /// `pointStart`, and its flag is copied from the first one's at the end by a
  /// second look-up: a ring number and a first vertex kept for every vertex were
  /// 50 MB of the peak of 35,000 communes (6.2 million vertices).
  private static func junctionFlags(
    _ points: [SIMD2<Double>], _ pointStart: [Int32], threads: Int
  ) -> [Bool] {
    /// The neighbours of vertex `i` of the ring `first..<end`, the smaller first.
    func neighbours(_ i: Int, _ first: Int, _ end: Int) -> (SIMD2<Double>, SIMD2<Double>) {
      let previous = points[i == first ? end - 1 : i - 1]
      let next = points[i == end - 1 ? first : i + 1]
      return precedes(previous, next) ? (previous, next) : (next, previous)
    }
    /// The neighbours of vertex `i`, whose ring is found by bisection.
    func neighbours(_ i: Int) -> (SIMD2<Double>, SIMD2<Double>) {
      var low = 0
      var high = pointStart.count - 1
      // The ring r with pointStart[r] <= i < pointStart[r + 1].
      while high - low > 1 {
        let middle = (low + high) / 2
        if Int(pointStart[middle]) <= i { low = middle } else { high = middle }
      }
      return neighbours(i, Int(pointStart[low]), Int(pointStart[low + 1]))
    }
    var table = IndexTable()
    var cut = [Bool](repeating: false, count: points.count)
    for r in 0..<(pointStart.count - 1) {
      let first = Int(pointStart[r])
      let end = Int(pointStart[r + 1])
      for i in first..<end {
        let stands = Int(table.insert(Int32(i), key: points[i]) { points[Int($0)] })
        if stands != i && !cut[stands] && neighbours(i, first, end) != neighbours(stands) {
          cut[stands] = true
        }
      }
    }
    // Every vertex takes the flag of the one standing for its point; those
    // flags are final, and only the others are written.
    let flags = cut
    let table2 = table
    let parts = ParallelChunks.map(count: points.count, threads: threads, rangesPerThread: 4) {
      range -> [Int] in
      range.filter { i in
        guard let stands = table2.find(points[i], keyOf: { points[Int($0)] }) else { return false }
        return Int(stands) != i && flags[Int(stands)]
      }
    }
    _ = consume flags
    for part in parts { for i in part { cut[i] = true } }
    return cut
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
