import GeoCore

/// A polygon as plain rings of points, oriented for signed areas: the exterior
/// ring counter-clockwise (positive area), holes clockwise (negative), each ring
/// open (the closing point is not repeated).
///
/// The coverage algorithms clip these rings with Sutherland-Hodgman against
/// convex windows (grid cells, hexagons, row bands). On a concave polygon the
/// clipped ring may contain zero-width connecting edges, but its signed area is
/// exactly the area of the true intersection, which is all that is needed.
public struct PolygonRings: Sendable {
  /// The rings, exterior first.
  public var rings: [[SIMD2<Double>]]

  /// Orients `rings` (exterior first, closed or open) for signed areas.
  public init(rings: [[SIMD2<Double>]]) {
    self.rings = rings.enumerated().compactMap { index, ring in
      var open = ring
      if open.count > 1, open.first == open.last { open.removeLast() }
      guard open.count >= 3 else { return nil }
      let area = signedArea(open, origin: open[0])
      let wantPositive = index == 0
      if (area > 0) != wantPositive { open.reverse() }
      return open
    }
  }

  /// Wraps rings that are already open and oriented.
  init(oriented rings: [[SIMD2<Double>]]) { self.rings = rings }

  /// The area of the polygon (exterior minus holes).
  public var area: Double {
    rings.reduce(0) { $0 + signedArea($1, origin: $1.first ?? .zero) }
  }

  /// The bounding box of the exterior ring as (min, max), or `nil` when empty.
  public var bounds: (min: SIMD2<Double>, max: SIMD2<Double>)? {
    guard let exterior = rings.first, var low = exterior.first else { return nil }
    var high = low
    for point in exterior {
      low = pointwiseMin(low, point)
      high = pointwiseMax(high, point)
    }
    return (low, high)
  }
}

/// The signed area of an open ring relative to `origin` (see `RingArea`).
@inline(__always)
func signedArea(_ ring: [SIMD2<Double>], origin: SIMD2<Double>) -> Double {
  RingArea.signed(ring, origin: origin)
}

/// The signed area of several rings relative to one origin.
@inline(__always)
func signedArea(_ rings: [[SIMD2<Double>]], origin: SIMD2<Double>) -> Double {
  var total = 0.0
  for ring in rings { total += signedArea(ring, origin: origin) }
  return total
}
