internal import CGEOS

/// Set-theoretic overlay operations (OverlayNG in GEOS 3.9 and later). Each GEOS
/// function returns NULL on exception, which throws with GEOS's message.
extension Geometry {
  private func overlay(
    _ name: String, _ other: Geometry,
    _ function: (GEOSContextHandle_t?, OpaquePointer?, OpaquePointer?) -> OpaquePointer?
  ) throws(GEOSError) -> Geometry {
    let context = GEOSContext.current
    context.resetMessage()
    return try Geometry.make(context, name, function(context.handle, handle, other.handle))
  }

  /// The points shared by both geometries (`GEOSIntersection_r`).
  public func intersection(with other: Geometry) throws(GEOSError) -> Geometry {
    try overlay("intersect", other, GEOSIntersection_r)
  }

  /// The points of either geometry (`GEOSUnion_r`).
  public func union(with other: Geometry) throws(GEOSError) -> Geometry {
    try overlay("union", other, GEOSUnion_r)
  }

  /// The points of this geometry that are not in `other` (`GEOSDifference_r`).
  public func difference(_ other: Geometry) throws(GEOSError) -> Geometry {
    try overlay("compute a difference", other, GEOSDifference_r)
  }

  /// The points of this geometry that are not in `other`, computed and returned
  /// on a grid of `gridSize` (snap-rounding overlay, `GEOSDifferencePrec_r`):
  /// valid, with every vertex on the grid.
  public func difference(_ other: Geometry, gridSize: Double) throws(GEOSError) -> Geometry {
    let context = GEOSContext.current
    context.resetMessage()
    return try Geometry.make(
      context, "compute a difference on a grid",
      GEOSDifferencePrec_r(context.handle, handle, other.handle, gridSize))
  }

  /// The points in exactly one of the two geometries (`GEOSSymDifference_r`).
  public func symmetricDifference(with other: Geometry) throws(GEOSError) -> Geometry {
    try overlay("compute a symmetric difference", other, GEOSSymDifference_r)
  }

  /// The union of all parts of this geometry, dissolving shared boundaries
  /// (`GEOSUnaryUnion_r`).
  public func unaryUnion() throws(GEOSError) -> Geometry {
    let context = GEOSContext.current
    context.resetMessage()
    return try Geometry.make(context, "union", GEOSUnaryUnion_r(context.handle, handle))
  }

  /// The union of many geometries at once, far faster than a chain of pairwise
  /// unions (a cascaded `GEOSUnaryUnion_r` over their collection).
  /// - Returns: the union; an empty geometry collection when `geometries` is empty.
  public static func unionAll(_ geometries: [Geometry]) throws(GEOSError) -> Geometry {
    try collection(.geometryCollection, of: geometries).unaryUnion()
  }
}
