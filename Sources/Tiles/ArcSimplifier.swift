import GeoCore

/// Simplifies the arcs of a coverage for one zoom, in that zoom's integer tile
/// units (x and y times 4096 · 2^z), so that every tile of the zoom sees the
/// same rounded vertices for a shared border.
///
/// Each arc is simplified (Douglas–Peucker), rounded to the unit grid and
/// cleared of repeated points. An arc that lost vertices is then checked against
/// its neighbours: where it now crosses or touches another arc away from their
/// common junctions, it is simplified again with a quarter of the tolerance, and
/// at last only rounded. Simplifying both sides of a border at once keeps them
/// shared; this check keeps neighbouring borders from crossing, which would make
/// a polygon overlap its neighbour.
struct ArcSimplifier {
  /// The arcs in unit-square coordinates.
  let arcs: [[SIMD2<Double>]]
  /// Unit-square to tile units: 4096 · 2^z.
  let scale: Double

  /// The simplified arcs, in tile units (integer-valued), worked on `threads` threads.
  func simplify(tolerance: Double, threads: Int) -> [[SIMD2<Double>]] {
    var result = parallelMap(arcs.indices.map { $0 }, threads: threads) {
      self.process($0, tolerance: tolerance)
    }
    guard tolerance > 0 else { return result.map(\.points) }
    var suspects = result.indices.filter { result[$0].reduced }
    var level = tolerance
    for _ in 0..<4 where !suspects.isEmpty {
      let crossing = crossingArcs(result.map(\.points), among: suspects)
      level = crossing.count > 0 && level > tolerance / 64 ? level / 4 : 0
      for index in crossing { result[index] = process(index, tolerance: level) }
      suspects = crossing.filter { result[$0].reduced }
      if level == 0 { break }
    }
    return result.map(\.points)
  }

  /// One arc: simplified, rounded, repeated points removed. `reduced` when the
  /// simplification removed a vertex (and so may have moved the arc across another).
  private func process(_ index: Int, tolerance: Double) -> (points: [SIMD2<Double>], reduced: Bool)
  {
    let arc = arcs[index]
    if arc.count == 2 {
      // Most arcs of a grid: one edge between two junctions; nothing to simplify.
      let a = (arc[0] * scale).rounded(.toNearestOrAwayFromZero)
      let b = (arc[1] * scale).rounded(.toNearestOrAwayFromZero)
      return (a == b ? [a] : [a, b], false)
    }
    let scaled = arc.map { $0 * scale }
    let simple = tolerance > 0 ? DouglasPeucker.simplify(scaled, tolerance: tolerance) : scaled
    var points: [SIMD2<Double>] = []
    points.reserveCapacity(simple.count)
    for p in simple {
      let rounded = p.rounded(.toNearestOrAwayFromZero)
      if rounded != points.last { points.append(rounded) }
    }
    return (points, simple.count < scaled.count)
  }

  /// The arcs among `suspects` that cross or touch another arc (or themselves)
  /// anywhere but at a shared endpoint.
  private func crossingArcs(_ arcs: [[SIMD2<Double>]], among suspects: [Int]) -> [Int] {
    // Average segment length sets the grid cell.
    var total = 0.0
    var count = 0
    for arc in arcs {
      for (a, b) in zip(arc, arc.dropFirst()) {
        total += abs(b.x - a.x) + abs(b.y - a.y)
        count += 1
      }
    }
    guard count > 0 else { return [] }
    let cell = max(16, 2 * total / Double(count))
    func cells(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> [SIMD2<Int>] {
      let x0 = Int((min(a.x, b.x) / cell).rounded(.down))
      let x1 = Int((max(a.x, b.x) / cell).rounded(.down))
      let y0 = Int((min(a.y, b.y) / cell).rounded(.down))
      let y1 = Int((max(a.y, b.y) / cell).rounded(.down))
      guard (x1 - x0 + 1) * (y1 - y0 + 1) <= 256 else { return [] }
      var list: [SIMD2<Int>] = []
      for x in x0...x1 { for y in y0...y1 { list.append(SIMD2(x, y)) } }
      return list
    }
    let suspectSet = Set(suspects)
    // Index only the segments near a suspect arc.
    var area = Set<SIMD2<Int>>()
    for index in suspects {
      for (a, b) in zip(arcs[index], arcs[index].dropFirst()) { area.formUnion(cells(a, b)) }
    }
    var grid: [SIMD2<Int>: [(arc: Int32, segment: Int32)]] = [:]
    for (index, arc) in arcs.enumerated() {
      for (k, (a, b)) in zip(arc, arc.dropFirst()).enumerated() {
        for key in cells(a, b) where area.contains(key) {
          grid[key, default: []].append((Int32(index), Int32(k)))
        }
      }
    }
    var crossing = Set<Int>()
    for index in suspects {
      let arc = arcs[index]
      segments: for (k, (a, b)) in zip(arc, arc.dropFirst()).enumerated() {
        for key in cells(a, b) {
          for other in grid[key] ?? [] {
            let j = Int(other.arc)
            let m = Int(other.segment)
            if j == index && abs(m - k) <= 0 { continue }
            let c = arcs[j][m]
            let d = arcs[j][m + 1]
            if ArcSimplifier.conflict(a, b, c, d) {
              crossing.insert(index)
              if suspectSet.contains(j) { crossing.insert(j) }
              break segments
            }
          }
        }
      }
    }
    return crossing.sorted()
  }

  /// Whether segments a–b and c–d meet anywhere except at one shared endpoint
  /// where they leave in different directions.
  static func conflict(
    _ a: SIMD2<Double>, _ b: SIMD2<Double>, _ c: SIMD2<Double>, _ d: SIMD2<Double>
  ) -> Bool {
    func orient(_ p: SIMD2<Double>, _ q: SIMD2<Double>, _ r: SIMD2<Double>) -> Double {
      let value = (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x)
      return value == 0 ? 0 : (value > 0 ? 1 : -1)
    }
    func within(_ p: SIMD2<Double>, _ q: SIMD2<Double>, _ r: SIMD2<Double>) -> Bool {
      min(p.x, q.x) <= r.x && r.x <= max(p.x, q.x) && min(p.y, q.y) <= r.y && r.y <= max(p.y, q.y)
    }
    let shared = [a, b].filter { $0 == c || $0 == d }
    if shared.count == 2 { return true }
    if let joint = shared.first {
      // Leaving the joint in the same direction means running along each other.
      let u = (joint == a ? b : a) - joint
      let v = (joint == c ? d : c) - joint
      return u.x * v.y - u.y * v.x == 0 && (u * v).sum() > 0
    }
    let o1 = orient(a, b, c)
    let o2 = orient(a, b, d)
    let o3 = orient(c, d, a)
    let o4 = orient(c, d, b)
    if o1 * o2 < 0 && o3 * o4 < 0 { return true }
    return (o1 == 0 && within(a, b, c)) || (o2 == 0 && within(a, b, d))
      || (o3 == 0 && within(c, d, a)) || (o4 == 0 && within(c, d, b))
  }
}

/// `transform` applied to every element on `threads` threads, results in order.
func parallelMap<T: Sendable, R: Sendable>(
  _ items: [T], threads: Int, _ transform: @Sendable (T) -> R
) -> [R] {
  ParallelChunks.map(items, threads: threads, rangesPerThread: 8, transform)
}
