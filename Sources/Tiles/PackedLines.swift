/// Lines stored end to end in one array: line `i` is
/// `points[start[i]..<start[i + 1]]`.
///
/// The arcs of a zoom are made again at every zoom, a few hundred thousand for a
/// city's grid; one array for all of them instead of one array per arc saves an
/// allocation and a release per arc, and their headers.
struct PackedLines: Sendable {
  /// Every line's points, one line after the other.
  private(set) var points: [SIMD2<Double>] = []
  /// Where each line starts in `points`, and where the last one ends.
  private(set) var start: [Int] = [0]

  /// No lines.
  init() {}

  /// The lines of `parts`, in order.
  init(joining parts: [PackedLines]) {
    points.reserveCapacity(parts.reduce(0) { $0 + $1.points.count })
    start.reserveCapacity(parts.reduce(1) { $0 + $1.count })
    for part in parts {
      let offset = points.count
      points.append(contentsOf: part.points)
      for k in 1..<part.start.count { start.append(offset + part.start[k]) }
    }
  }

  /// The number of lines.
  var count: Int { start.count - 1 }

  /// The number of points of line `line`.
  func count(of line: Int) -> Int { start[line + 1] - start[line] }

  /// Line `line`'s points, copied into an array of their own.
  func line(_ line: Int) -> [SIMD2<Double>] { Array(points[start[line]..<start[line + 1]]) }

  /// Point `k` of line `line`.
  func point(_ line: Int, _ k: Int) -> SIMD2<Double> { points[start[line] + k] }

  /// Ends the line under way: the points appended since the last line ended.
  mutating func endLine() { start.append(points.count) }

  /// Appends a point to the line under way.
  mutating func append(_ point: SIMD2<Double>) { points.append(point) }

  /// The same lines with those of `replacements` (by index) in their place.
  func replacing(_ replacements: [Int: [SIMD2<Double>]]) -> PackedLines {
    guard !replacements.isEmpty else { return self }
    var result = PackedLines()
    result.points.reserveCapacity(points.count)
    result.start.reserveCapacity(start.count)
    for line in 0..<count {
      if let replacement = replacements[line] {
        result.points.append(contentsOf: replacement)
      } else {
        result.points.append(contentsOf: points[start[line]..<start[line + 1]])
      }
      result.endLine()
    }
    return result
  }
}
