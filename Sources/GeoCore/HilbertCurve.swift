/// Positions along a Hilbert curve, which keeps cells that are near in the
/// plane near in the order: PMTiles tile ids, the order in which dust squares
/// carry their remainders, and the order in which zonal statistics visit their
/// zones (so that neighbouring zones reuse the raster blocks GDAL just read).
public enum HilbertCurve {
  /// The position of cell (x, y) on the curve through a square of 2^order cells
  /// a side (order at most 32).
  public static func position(x: UInt64, y: UInt64, order: Int) -> UInt64 {
    let n = UInt64(1) << UInt64(order)
    var tx = x
    var ty = y
    var d: UInt64 = 0
    var s = n / 2
    while s > 0 {
      let rx: UInt64 = (tx & s) > 0 ? 1 : 0
      let ry: UInt64 = (ty & s) > 0 ? 1 : 0
      d &+= s &* s &* ((3 * rx) ^ ry)
      if ry == 0 {
        if rx == 1 {
          tx = n - 1 - tx
          ty = n - 1 - ty
        }
        swap(&tx, &ty)
      }
      s /= 2
    }
    return d
  }

  /// The indices of `points` ordered along a curve of 2^16 cells a side laid
  /// over their bounding box; ties keep their input order, and points that are
  /// not finite take the curve's first cell.
  public static func order(of points: [SIMD2<Double>]) -> [Int] {
    var low = SIMD2(Double.infinity, .infinity)
    var high = SIMD2(-Double.infinity, -.infinity)
    for point in points where point.x.isFinite && point.y.isFinite {
      low = pointwiseMin(low, point)
      high = pointwiseMax(high, point)
    }
    let side = Double((1 << 16) - 1)
    let span = high - low
    let keys = points.map { point -> UInt64 in
      guard point.x.isFinite, point.y.isFinite else { return 0 }
      let x = span.x > 0 ? ((point.x - low.x) / span.x * side).rounded(.down) : 0
      let y = span.y > 0 ? ((point.y - low.y) / span.y * side).rounded(.down) : 0
      return position(x: UInt64(min(max(x, 0), side)), y: UInt64(min(max(y, 0), side)), order: 16)
    }
    return points.indices.sorted { (keys[$0], $0) < (keys[$1], $1) }
  }
}
