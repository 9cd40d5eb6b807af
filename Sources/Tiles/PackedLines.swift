/// A coordinate type of `PackedLines`: `Double` for the shared borders in
/// unit-square coordinates, `Int32` for a zoom's arcs, whose coordinates are
/// whole tile units: half the bytes of a point (8 instead of 16). A zoom's arcs
/// of 8,750 communes are about 800,000 points at zoom 12, and two zooms' arcs
/// are held at once (the next is prepared while this one's tiles are cut).
protocol PackedScalar: SIMDScalar, Sendable, Hashable, Codable where SIMD2Storage: Sendable {
  /// `point` as stored; for `Int32`, `point` must be integer-valued and within
  /// its range (`ZoomArcs` checks that before choosing it).
  static func stored(_ point: SIMD2<Double>) -> SIMD2<Self>
  /// A stored point as doubles (exact for both types).
  static func double(_ point: SIMD2<Self>) -> SIMD2<Double>
}

extension Double: PackedScalar {
  static func stored(_ point: SIMD2<Double>) -> SIMD2<Double> { point }
  static func double(_ point: SIMD2<Double>) -> SIMD2<Double> { point }
}

extension Int32: PackedScalar {
  static func stored(_ point: SIMD2<Double>) -> SIMD2<Int32> {
    SIMD2(Int32(point.x), Int32(point.y))
  }
  static func double(_ point: SIMD2<Int32>) -> SIMD2<Double> {
    SIMD2(Double(point.x), Double(point.y))
  }
}

/// Lines stored in one array: line `i` is `points[start(i)..<end(i)]`.
///
/// The arcs of a zoom are made again at every zoom, a few hundred thousand for a
/// city's grid; one array for all of them instead of one array per arc saves an
/// allocation and a release per arc, and their headers. A line replaced later
/// (`replace(_:with:)`) gets its new points at the end of the array. Where lines
/// start and end is kept in 32 bits, so no more than `Int32.max` points are held
/// (34 GB of `Double` points).
struct PackedLines<Scalar: PackedScalar>: Sendable {
  /// Every line's points.
  private(set) var points: [SIMD2<Scalar>] = []
  /// Where each line starts and ends in `points`.
  private var starts: [Int32] = []
  private var ends: [Int32] = []
  /// Where the line under way starts.
  private var open: Int32 = 0

  /// No lines.
  init() {}

  /// The lines of `lines`, in order.
  init(_ lines: [[SIMD2<Scalar>]]) {
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
    precondition(total <= Int(Int32.max), "more points than packed lines hold")
    points.reserveCapacity(spare ? total + total / 16 + 64 : total)
    starts.reserveCapacity(parts.reduce(0) { $0 + $1.count })
    ends.reserveCapacity(starts.capacity)
    for index in parts.indices {
      let offset = Int32(points.count)
      points.append(contentsOf: parts[index].points)
      starts.append(contentsOf: parts[index].starts.lazy.map { $0 + offset })
      ends.append(contentsOf: parts[index].ends.lazy.map { $0 + offset })
      parts[index] = PackedLines()
    }
    open = Int32(points.count)
  }

  /// The number of lines.
  var count: Int { starts.count }

  /// Where line `line` starts in `points`.
  func start(_ line: Int) -> Int { Int(starts[line]) }

  /// Where line `line` ends in `points` (one past its last point).
  func end(_ line: Int) -> Int { Int(ends[line]) }

  /// The number of points of line `line`.
  func count(of line: Int) -> Int { Int(ends[line] - starts[line]) }

  /// Line `line`'s points, copied into an array of their own.
  func line(_ line: Int) -> [SIMD2<Scalar>] { Array(points[start(line)..<end(line)]) }

  /// Point `k` of line `line`, as doubles.
  func point(_ line: Int, _ k: Int) -> SIMD2<Double> {
    Scalar.double(points[start(line) + k])
  }

  /// Appends a point to the line under way.
  mutating func append(_ point: SIMD2<Scalar>) { points.append(point) }

  /// Ends the line under way: the points appended since the last line ended.
  mutating func endLine() {
    precondition(points.count <= Int(Int32.max), "more points than packed lines hold")
    starts.append(open)
    ends.append(Int32(points.count))
    open = Int32(points.count)
  }

  /// Gives line `line` the points `replacement` instead of its own.
  mutating func replace(_ line: Int, with replacement: [SIMD2<Scalar>]) {
    precondition(Int(open) == points.count, "a line is under way")
    precondition(
      points.count + replacement.count <= Int(Int32.max), "more points than packed lines hold")
    starts[line] = Int32(points.count)
    points.append(contentsOf: replacement)
    ends[line] = Int32(points.count)
    open = Int32(points.count)
  }
}

extension Array {
  /// A copy whose storage is no larger than its elements need (an array grown by
  /// appending keeps up to twice that).
  func exactCopy() -> [Element] { withUnsafeBufferPointer { Array($0) } }
}
