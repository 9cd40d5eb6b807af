/// Lines stored in one array: line `i` is `points[start[i]..<end[i]]`.
///
/// The arcs of a zoom are made again at every zoom, a few hundred thousand for a
/// city's grid; one array for all of them instead of one array per arc saves an
/// allocation and a release per arc, and their headers. A line replaced later
/// (`replace(_:with:)`) gets its new points at the end of the array.
struct PackedLines: Sendable {
  /// Every line's points.
  private(set) var points: [SIMD2<Double>] = []
  /// Where each line starts and ends in `points`.
  private(set) var start: [Int] = []
  private(set) var end: [Int] = []
  /// Where the line under way starts.
  private var open = 0

  /// No lines.
  init() {}

  /// The lines of `lines`, in order.
  init(_ lines: [[SIMD2<Double>]]) {
    for line in lines {
      points.append(contentsOf: line)
      endLine()
    }
  }

  /// The lines of `parts`, in order, in arrays of their exact size; with
  /// `spare`, room for lines replaced later (`replace(_:with:)`): a sixteenth
  /// more points. Without it the first replacement doubled the array (6.8 MB
  /// more per zoom on 105,000 cells). Each part is emptied once copied, so the
  /// lines are held about once, not twice, while they are joined (10 MB less
  /// per zoom on 105,000 cells).
  init(joining parts: inout [PackedLines], spare: Bool) {
    let total = parts.reduce(0) { $0 + $1.points.count }
    points.reserveCapacity(spare ? total + total / 16 + 64 : total)
    start.reserveCapacity(parts.reduce(0) { $0 + $1.count })
    end.reserveCapacity(start.capacity)
    for index in parts.indices {
      let offset = points.count
      points.append(contentsOf: parts[index].points)
      start.append(contentsOf: parts[index].start.lazy.map { $0 + offset })
      end.append(contentsOf: parts[index].end.lazy.map { $0 + offset })
      parts[index] = PackedLines()
    }
    open = points.count
  }

  /// The number of lines.
  var count: Int { start.count }

  /// The number of points of line `line`.
  func count(of line: Int) -> Int { end[line] - start[line] }

  /// Line `line`'s points, copied into an array of their own.
  func line(_ line: Int) -> [SIMD2<Double>] { Array(points[start[line]..<end[line]]) }

  /// Point `k` of line `line`.
  func point(_ line: Int, _ k: Int) -> SIMD2<Double> { points[start[line] + k] }

  /// Appends a point to the line under way.
  mutating func append(_ point: SIMD2<Double>) { points.append(point) }

  /// Ends the line under way: the points appended since the last line ended.
  mutating func endLine() {
    start.append(open)
    end.append(points.count)
    open = points.count
  }

  /// Gives line `line` the points `replacement` instead of its own.
  mutating func replace(_ line: Int, with replacement: [SIMD2<Double>]) {
    precondition(open == points.count, "a line is under way")
    start[line] = points.count
    points.append(contentsOf: replacement)
    end[line] = points.count
    open = points.count
  }
}

extension Array {
  /// A copy whose storage is no larger than its elements need (an array grown by
  /// appending keeps up to twice that).
  func exactCopy() -> [Element] { withUnsafeBufferPointer { Array($0) } }
}
