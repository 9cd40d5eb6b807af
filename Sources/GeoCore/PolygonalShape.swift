/// A polygonal geometry (a Polygon or a MultiPolygon) as plain coordinates.
///
/// Unlike a GEOS geometry it is a `Sendable` value, so the stages of a run pass
/// target and unit polygons to one another, and to worker threads, as shapes
/// instead of serialising them to WKB and parsing them back. The coordinates are
/// kept exactly as GEOS gave them: every ring closed, in its original orientation
/// and starting point, so that a geometry rebuilt from its shape writes the same
/// bytes. Shapes are planar: a Z coordinate is not kept.
public struct PolygonalShape: Sendable, Equatable {
  /// One entry per polygon: its rings, exterior first, each a closed list of
  /// (x, y) points.
  public var polygons: [[[SIMD2<Double>]]]
  /// Whether the geometry is a MultiPolygon (of any number of parts, one
  /// included) rather than a Polygon. The distinction is kept because the
  /// formats record it.
  public var isMulti: Bool

  /// Creates a shape from its polygons.
  public init(polygons: [[[SIMD2<Double>]]], isMulti: Bool) {
    self.polygons = polygons
    self.isMulti = isMulti
  }

  /// Whether the shape has no polygon (an empty Polygon or MultiPolygon).
  public var isEmpty: Bool { polygons.isEmpty }
}
