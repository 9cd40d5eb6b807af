/// Signed areas of rings of points, shared by the modules that work on plain
/// coordinates (exact coverage, map labels, GeoJSON winding).
public enum RingArea {
  /// The shoelace area of a ring (open or closed), positive when counter-clockwise
  /// in a y-up frame. Computed relative to `origin` (the ring's first point by
  /// default) so that large projected coordinates lose no precision.
  @inlinable
  public static func signed(_ ring: [SIMD2<Double>], origin: SIMD2<Double>? = nil) -> Double {
    guard ring.count >= 3 else { return 0 }
    let base = origin ?? ring[0]
    var sum = 0.0
    var previous = ring[ring.count - 1] - base
    for point in ring {
      let current = point - base
      sum += previous.x * current.y - current.x * previous.y
      previous = current
    }
    return sum / 2
  }
}
