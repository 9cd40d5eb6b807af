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
  let arcs: PackedLines<Double>
  /// Unit-square to tile units: 4096 · 2^z.
  let scale: Double

  /// The simplified arcs, in tile units (integer-valued), stored as `Scalar`,
  /// worked on `threads` threads. `Int32` needs every coordinate times `scale`
  /// within its range (`ZoomArcs`).
  func simplify<Scalar: PackedScalar>(
    tolerance: Double, threads: Int, as _: Scalar.Type
  ) -> PackedLines<Scalar> {
    var reduced: [[Int]] = []
    var lines = ParallelChunks.map(count: arcs.count, threads: threads, rangesPerThread: 8) {
      range -> (lines: PackedLines<Scalar>, reduced: [Int]) in
      var lines = PackedLines<Scalar>()
      var reduced: [Int] = []
      for index in range {
        if self.process(index, tolerance: tolerance, into: &lines) { reduced.append(index) }
        lines.endLine()
      }
      return (lines, reduced)
    }.map { part in
      reduced.append(part.reduced)
      return part.lines
    }
    var result = PackedLines(joining: &lines, spare: true)
    guard tolerance > 0 else { return result }
    var suspects = reduced.flatMap { $0 }
    var level = tolerance
    for _ in 0..<4 where !suspects.isEmpty {
      let crossing = crossingArcs(result, among: suspects)
      level = crossing.count > 0 && level > tolerance / 64 ? level / 4 : 0
      suspects = []
      for index in crossing {
        var line = PackedLines<Scalar>()
        if process(index, tolerance: level, into: &line) { suspects.append(index) }
        result.replace(index, with: line.points)
      }
      if level == 0 { break }
    }
    return result
  }

  /// One arc, simplified, rounded and cleared of repeated points, appended to
  /// `lines` (the line is left open); whether the simplification removed a vertex
  /// (and so may have moved the arc across another).
  private func process<Scalar>(
    _ index: Int, tolerance: Double, into lines: inout PackedLines<Scalar>
  ) -> Bool {
    if arcs.count(of: index) == 2 {
      // Most arcs of a grid: one edge between two junctions; nothing to simplify.
      let a = (arcs.point(index, 0) * scale).rounded(.toNearestOrAwayFromZero)
      let b = (arcs.point(index, 1) * scale).rounded(.toNearestOrAwayFromZero)
      lines.append(Scalar.stored(a))
      if a != b { lines.append(Scalar.stored(b)) }
      return false
    }
    let scaled = arcs.points[arcs.start(index)..<arcs.end(index)].map { $0 * scale }
    let simple = tolerance > 0 ? DouglasPeucker.simplify(scaled, tolerance: tolerance) : scaled
    var last: SIMD2<Double>?
    for p in simple {
      let rounded = p.rounded(.toNearestOrAwayFromZero)
      if rounded != last {
        lines.append(Scalar.stored(rounded))
        last = rounded
      }
    }
    return simple.count < scaled.count
  }

  /// The arcs among `suspects` that cross or touch another arc (or themselves)
  /// anywhere but at a shared endpoint.
  ///
  /// The suspects' segments are binned in a dense grid over their box, about a
  /// cell per segment (no more than 1024 across); then every segment of every arc
  /// meets only the suspect segments of the cells its box covers. Nothing is
  /// allocated per segment: most zooms have a few dozen suspects among hundreds of
  /// thousands of arcs, and the earlier hash-map of every segment near a suspect
  /// took a tenth of a whole tiling run. At the top zoom nearly every arc is a
  /// suspect: the grid of four cells a segment, in 64-bit offsets, was then 8 MB
  /// of the peak for 8,750 communes.
  private func crossingArcs<Scalar>(_ arcs: PackedLines<Scalar>, among suspects: [Int]) -> [Int] {
    var low = SIMD2<Double>(repeating: .infinity)
    var high = SIMD2<Double>(repeating: -.infinity)
    var segments = 0
    for index in suspects where arcs.count(of: index) >= 2 {
      for k in 0..<arcs.count(of: index) {
        low = pointwiseMin(low, arcs.point(index, k))
        high = pointwiseMax(high, arcs.point(index, k))
      }
      segments += arcs.count(of: index) - 1
    }
    guard segments > 0 else { return [] }
    let span = high - low
    let size = max(1, (span.x * span.y / Double(segments)).squareRoot(), span.max() / 1024)
    let columns = Int(span.x / size) + 1
    let rows = Int(span.y / size) + 1
    /// The grid cells a segment's box covers, clamped to the grid; nil when the
    /// box misses the suspects' box.
    func cells(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> (
      x: ClosedRange<Int>, y: ClosedRange<Int>
    )? {
      let lower = pointwiseMin(a, b) - low
      let upper = pointwiseMax(a, b) - low
      guard upper.x >= 0, upper.y >= 0, lower.x <= span.x, lower.y <= span.y else { return nil }
      let x0 = max(0, Int(lower.x / size))
      let y0 = max(0, Int(lower.y / size))
      return (x0...min(columns - 1, Int(upper.x / size)), y0...min(rows - 1, Int(upper.y / size)))
    }
    // The suspects' segments by cell, as (arc, segment) runs: `first[c]..<first[c + 1]`.
    // Each cell's count is summed into where its run ends, and the runs are
    // filled from their ends down, in reverse order so that each run keeps the
    // reading order: no second array of positions (8 bytes a cell).
    let cellCount = columns * rows
    var first = [Int32](repeating: 0, count: cellCount + 1)
    var total = 0
    for index in suspects where arcs.count(of: index) >= 2 {
      for k in 0..<(arcs.count(of: index) - 1) {
        guard let (xs, ys) = cells(arcs.point(index, k), arcs.point(index, k + 1)) else { continue }
        total += xs.count * ys.count
        precondition(total < Int32.max, "more segments by cell than the crossing check holds")
        for y in ys { for x in xs { first[y * columns + x] += 1 } }
      }
    }
    for c in 1..<(cellCount + 1) { first[c] += first[c - 1] }
    var members = [SIMD2<Int32>](repeating: .zero, count: total)
    for index in suspects.reversed() where arcs.count(of: index) >= 2 {
      for k in (0..<(arcs.count(of: index) - 1)).reversed() {
        guard let (xs, ys) = cells(arcs.point(index, k), arcs.point(index, k + 1)) else { continue }
        for y in ys {
          for x in xs {
            first[y * columns + x] -= 1
            members[Int(first[y * columns + x])] = SIMD2(Int32(index), Int32(k))
          }
        }
      }
    }
    var isSuspect = [Bool](repeating: false, count: arcs.count)
    for index in suspects { isSuspect[index] = true }
    var crossing = [Bool](repeating: false, count: arcs.count)
    for j in 0..<arcs.count where arcs.count(of: j) >= 2 {
      for m in 0..<(arcs.count(of: j) - 1) {
        let c = arcs.point(j, m)
        let d = arcs.point(j, m + 1)
        guard let (xs, ys) = cells(c, d) else { continue }
        for y in ys {
          for x in xs {
            let run = Int(first[y * columns + x])..<Int(first[y * columns + x + 1])
            for member in members[run] {
              let i = Int(member.x)
              let k = Int(member.y)
              if crossing[i] && (crossing[j] || !isSuspect[j]) { continue }
              if i == j && k == m { continue }
              if ArcSimplifier.conflict(arcs.point(i, k), arcs.point(i, k + 1), c, d) {
                crossing[i] = true
                if isSuspect[j] { crossing[j] = true }
              }
            }
          }
        }
      }
    }
    return suspects.filter { crossing[$0] }
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
    let aShared = a == c || a == d
    let bShared = b == c || b == d
    if aShared && bShared { return true }
    if aShared || bShared {
      let joint = aShared ? a : b
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
