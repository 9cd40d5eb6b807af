import GEOSKit
import GeoCore

/// Cuts shapes that cross the antimeridian into parts on each side, as RFC 7946
/// section 3.1.9 asks, in plain longitude/latitude coordinates.
///
/// A segment crosses when its longitudes jump more than 180° — except a segment
/// from one side of ±180° to the other (both ends on the antimeridian: it runs
/// along it) and a segment along a pole (both ends at latitude ±90°). So a
/// polygon already split at ±180° (Natural Earth's Russia) and one that runs
/// along the pole and the antimeridian (Antarctica) are left as they are.
///
/// A crossing ring is unwrapped (each longitude moved by whole turns to within
/// 180° of the previous one). A ring that then ends a whole turn from where it
/// started goes around a pole: it is closed along that pole. The unwrapped shape
/// is clipped to each 360° window it spans, and each piece moved back within
/// [-180, 180] (GEOS rectangle clipping; the pieces of a polygon are merged
/// where they meet).
enum Antimeridian {
  /// Whether the segment from `a` to `b` crosses the antimeridian.
  static func crosses(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> Bool {
    guard abs(a.x - b.x) > 180 else { return false }
    if abs(a.x) == 180 && abs(b.x) == 180 { return false }
    if abs(a.y) == 90 && a.y == b.y { return false }
    return true
  }

  /// Whether some segment of `points` crosses the antimeridian.
  static func crosses(_ points: [SIMD2<Double>]) -> Bool {
    zip(points, points.dropFirst()).contains { crosses($0, $1) }
  }

  /// `shape` cut at the antimeridian; the shape itself when nothing crosses.
  /// - Throws: `GEOSError` when GEOS cannot clip a piece.
  static func cut(_ shape: GeoShape) throws -> GeoShape {
    switch shape {
    case .point, .multiPoint:
      return shape
    case .lineString(let line):
      guard crosses(line) else { return shape }
      return .multiLineString(try cut(line: line))
    case .multiLineString(let lines):
      guard lines.contains(where: crosses) else { return shape }
      return .multiLineString(try lines.flatMap { crosses($0) ? try cut(line: $0) : [$0] })
    case .polygon(let rings):
      guard rings.contains(where: crosses) else { return shape }
      return .multiPolygon(try cut(polygon: rings))
    case .multiPolygon(let polygons):
      guard polygons.contains(where: { $0.contains(where: crosses) }) else { return shape }
      return .multiPolygon(
        try polygons.flatMap { $0.contains(where: crosses) ? try cut(polygon: $0) : [$0] })
    case .collection(let parts):
      return .collection(try parts.map(cut))
    }
  }

  /// Longitudes made continuous: each within 180° of the one before, starting
  /// `shift` degrees from the first point.
  static func unwrapped(_ points: [SIMD2<Double>], shift: Double = 0) -> [SIMD2<Double>] {
    var out: [SIMD2<Double>] = []
    out.reserveCapacity(points.count)
    var offset = shift
    var previous: SIMD2<Double>?
    for point in points {
      if let previous, crosses(previous, point) {
        offset += point.x < previous.x ? 360 : -360
      }
      out.append(SIMD2(point.x + offset, point.y))
      previous = point
    }
    return out
  }

  private static func cut(line: [SIMD2<Double>]) throws -> [[SIMD2<Double>]] {
    let continuous = unwrapped(line)
    let geometry = try Geometry.lineString(continuous)
    return try windows(of: continuous).flatMap { turn in
      try pieces(of: geometry, turn: turn).lineStrings()
    }
  }

  private static func cut(polygon rings: [[SIMD2<Double>]]) throws -> [[[SIMD2<Double>]]] {
    guard let exterior = rings.first else { return [] }
    var shell = unwrapped(exterior)
    if let first = shell.first, let last = shell.last, abs(last.x - first.x) > 180 {
      // Around a pole: close along the nearer one.
      let pole: Double = shell.reduce(0) { $0 + $1.y } >= 0 ? 90 : -90
      shell += [SIMD2(last.x, pole), SIMD2(first.x, pole), first]
    }
    let low = shell.map(\.x).min() ?? 0
    let high = shell.map(\.x).max() ?? 0
    let holes = rings.dropFirst().map { hole -> [SIMD2<Double>] in
      // Holes are moved by whole turns to sit within the unwrapped exterior.
      guard let start = hole.first else { return hole }
      var turns = 0.0
      while start.x + turns * 360 < low - 1e-9 { turns += 1 }
      while start.x + turns * 360 > high + 1e-9 { turns -= 1 }
      return unwrapped(hole, shift: turns * 360)
    }
    let geometry = try Geometry.polygon(rings: [shell] + holes)
    let moved = try windows(of: shell).map { try pieces(of: geometry, turn: $0) }
    // Pieces of a ring around a pole meet again along the meridian where the
    // ring started: merged, as one polygon (pieces cut at ±180 do not meet).
    return try Geometry.unionAll(moved.filter { !$0.isEmpty }).polygonalPart().polygonRings()
  }

  /// The whole turns (window k covers [360k - 180, 360k + 180]) that the points span.
  private static func windows(of points: [SIMD2<Double>]) -> ClosedRange<Int> {
    let low = points.map(\.x).min() ?? 0
    let high = points.map(\.x).max() ?? 0
    let first = Int(((low + 180) / 360).rounded(.down))
    let last = Int(((high + 180) / 360).rounded(.up)) - 1
    return first...max(first, last)
  }

  /// The part of `geometry` within window `turn`, moved back to [-180, 180].
  private static func pieces(of geometry: Geometry, turn: Int) throws -> Geometry {
    let shift = Double(turn) * 360
    let window = Envelope(minX: shift - 180, minY: -90, maxX: shift + 180, maxY: 90)
    let clipped = try geometry.clipped(to: window)
    guard turn != 0 else { return clipped }
    return try clipped.transformed { x, _ in
      x -= shift
      // Rounding after the move must not leave a point just past the edge.
      x = min(180, max(-180, x))
    }
  }
}
