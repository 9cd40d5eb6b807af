import GeoCore

/// Between GEOS geometries and `PolygonalShape` values, which may cross threads.
extension Geometry {
  /// The geometry's polygons as a shape: a Polygon gives one polygon, a
  /// MultiPolygon or a collection one per polygon part, coordinates unchanged
  /// (Z dropped). Lines and points are left out; call `polygonalPart()` first
  /// where they may occur.
  public var polygonalShape: PolygonalShape {
    PolygonalShape(polygons: polygonRings(), isMulti: type != .polygon)
  }

  /// The Polygon or MultiPolygon a shape describes (an empty one when the shape
  /// has no polygon).
  /// - Throws: `GEOSError` when a ring has fewer than 3 points once closed.
  public static func polygonal(_ shape: PolygonalShape) throws(GEOSError) -> Geometry {
    if !shape.isMulti, shape.polygons.count <= 1 {
      return try polygon(rings: shape.polygons.first ?? [])
    }
    var parts: [Geometry] = []
    for rings in shape.polygons { parts.append(try polygon(rings: rings)) }
    return try collection(.multiPolygon, of: parts)
  }
}

extension Geometry {
  /// `polygonal(shape)`, or an empty Polygon when there is no shape: for lists
  /// of targets in which a target without geometry keeps its position but
  /// meets nothing.
  /// - Throws: `GEOSError` when a ring has fewer than 3 points once closed.
  public static func polygonalOrEmpty(_ shape: PolygonalShape?) throws(GEOSError) -> Geometry {
    try polygonal(shape ?? PolygonalShape(polygons: [], isMulti: false))
  }
}
