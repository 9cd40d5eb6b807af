/// Sutherland–Hodgman clipping of open rings against half-planes: the one
/// polygon clipper of the toolkit, used by exact coverage (grid cells, hexagons)
/// and by the tile cutter.
///
/// Written here rather than taken from GEOS because the callers clip millions of
/// small rings against straight lines, where a GEOS intersection per piece costs
/// an allocation and a topology build each time.
public enum Clipping {
  /// Keeps the part of `ring` where the coordinate `axis` (0 = x, 1 = y) is
  /// `>= value` (when `keepAbove`) or `<= value`.
  @inlinable
  public static func clip(
    _ ring: [SIMD2<Double>], axis: Int, value: Double, keepAbove: Bool
  ) -> [SIMD2<Double>] {
    guard let last = ring.last else { return [] }
    var output: [SIMD2<Double>] = []
    output.reserveCapacity(ring.count + 4)
    var previous = last
    var previousInside = keepAbove ? previous[axis] >= value : previous[axis] <= value
    for current in ring {
      let currentInside = keepAbove ? current[axis] >= value : current[axis] <= value
      if currentInside != previousInside {
        // The crossing point, computed from the same two points whichever way
        // the edge is walked, so neighbouring cells share it bit for bit.
        let (a, b) = previous[axis] < current[axis] ? (previous, current) : (current, previous)
        let t = (value - a[axis]) / (b[axis] - a[axis])
        var crossing = a + (b - a) * t
        crossing[axis] = value
        output.append(crossing)
      }
      if currentInside { output.append(current) }
      previous = current
      previousInside = currentInside
    }
    return output.count >= 3 ? output : []
  }

  /// Clips every ring of `rings`, dropping those that vanish.
  @inlinable
  public static func clip(
    _ rings: [[SIMD2<Double>]], axis: Int, value: Double, keepAbove: Bool
  ) -> [[SIMD2<Double>]] {
    var result: [[SIMD2<Double>]] = []
    result.reserveCapacity(rings.count)
    for ring in rings {
      let clipped = clip(ring, axis: axis, value: value, keepAbove: keepAbove)
      if !clipped.isEmpty { result.append(clipped) }
    }
    return result
  }

  /// Keeps the part of `ring` on the left of the directed line from `a` to `b`
  /// (the inside of a counter-clockwise convex polygon whose edge it is).
  @inlinable
  public static func clip(_ ring: [SIMD2<Double>], leftOf a: SIMD2<Double>, _ b: SIMD2<Double>)
    -> [SIMD2<Double>]
  {
    guard let last = ring.last else { return [] }
    let direction = b - a
    @inline(__always) func side(_ p: SIMD2<Double>) -> Double {
      direction.x * (p.y - a.y) - direction.y * (p.x - a.x)
    }
    var output: [SIMD2<Double>] = []
    output.reserveCapacity(ring.count + 4)
    var previous = last
    var previousSide = side(previous)
    for current in ring {
      let currentSide = side(current)
      if (currentSide >= 0) != (previousSide >= 0) {
        let t = previousSide / (previousSide - currentSide)
        output.append(previous + (current - previous) * t)
      }
      if currentSide >= 0 { output.append(current) }
      previous = current
      previousSide = currentSide
    }
    return output.count >= 3 ? output : []
  }

  /// The area of `rings` inside the convex polygon `window` (counter-clockwise, open).
  @inlinable
  public static func area(of rings: [[SIMD2<Double>]], inside window: [SIMD2<Double>]) -> Double {
    var total = 0.0
    for ring in rings {
      var piece = ring
      var previous = window[window.count - 1]
      for vertex in window {
        piece = clip(piece, leftOf: previous, vertex)
        if piece.isEmpty { break }
        previous = vertex
      }
      total += RingArea.signed(piece, origin: window[0])
    }
    return total
  }

  /// The bounds of all points of `rings`, or `nil` when there are none.
  @inlinable
  public static func bounds(_ rings: [[SIMD2<Double>]]) -> (min: SIMD2<Double>, max: SIMD2<Double>)?
  {
    guard let first = rings.first?.first else { return nil }
    var low = first
    var high = first
    for ring in rings {
      for point in ring {
        low = pointwiseMin(low, point)
        high = pointwiseMax(high, point)
      }
    }
    return (low, high)
  }

  /// Keeps the part of `ring` inside the square `range` × `range` (the four
  /// half-planes in turn: x low, x high, y low, y high).
  @inlinable
  public static func clip(_ ring: [SIMD2<Double>], toSquare range: ClosedRange<Double>)
    -> [SIMD2<Double>]
  {
    var points = clip(ring, axis: 0, value: range.lowerBound, keepAbove: true)
    points = clip(points, axis: 0, value: range.upperBound, keepAbove: false)
    points = clip(points, axis: 1, value: range.lowerBound, keepAbove: true)
    return clip(points, axis: 1, value: range.upperBound, keepAbove: false)
  }
}
