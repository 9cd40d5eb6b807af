internal import CGEOS

/// Spatial predicates of the DE-9IM model. Each GEOS predicate returns 1 for true,
/// 0 for false and 2 on exception; an exception throws with GEOS's message.
extension Geometry {
  private func predicate(
    _ name: String, _ other: Geometry,
    _ function: (GEOSContextHandle_t?, OpaquePointer?, OpaquePointer?) -> CChar
  ) throws(GEOSError) -> Bool {
    try GEOSContext.current.evaluate(name) { context in function(context, handle, other.handle) }
  }

  /// Whether the geometries share at least one point (`GEOSIntersects_r`).
  public func intersects(_ other: Geometry) throws(GEOSError) -> Bool {
    try predicate("intersects", other, GEOSIntersects_r)
  }

  /// Whether no point of `other` lies outside this geometry and their interiors meet
  /// (`GEOSContains_r`).
  public func contains(_ other: Geometry) throws(GEOSError) -> Bool {
    try predicate("contains", other, GEOSContains_r)
  }

  /// Whether this geometry lies inside `other` (`GEOSWithin_r`).
  public func within(_ other: Geometry) throws(GEOSError) -> Bool {
    try predicate("within", other, GEOSWithin_r)
  }

  /// Whether the geometries meet only on their boundaries (`GEOSTouches_r`).
  public func touches(_ other: Geometry) throws(GEOSError) -> Bool {
    try predicate("touches", other, GEOSTouches_r)
  }

  /// Whether the geometries share some but not all interior points, with the same
  /// dimension (`GEOSOverlaps_r`).
  public func overlaps(_ other: Geometry) throws(GEOSError) -> Bool {
    try predicate("overlaps", other, GEOSOverlaps_r)
  }

  /// Whether no point of `other` lies outside this geometry (`GEOSCovers_r`).
  public func covers(_ other: Geometry) throws(GEOSError) -> Bool {
    try predicate("covers", other, GEOSCovers_r)
  }

  /// Whether no point of this geometry lies outside `other` (`GEOSCoveredBy_r`).
  public func coveredBy(_ other: Geometry) throws(GEOSError) -> Bool {
    try predicate("covered by", other, GEOSCoveredBy_r)
  }

  /// Whether the geometries share no point (`GEOSDisjoint_r`).
  public func disjoint(_ other: Geometry) throws(GEOSError) -> Bool {
    try predicate("disjoint", other, GEOSDisjoint_r)
  }

  /// Whether the geometries cross (`GEOSCrosses_r`).
  public func crosses(_ other: Geometry) throws(GEOSError) -> Bool {
    try predicate("crosses", other, GEOSCrosses_r)
  }

  /// Whether the geometries are topologically equal (`GEOSEquals_r`).
  public func topologicallyEquals(_ other: Geometry) throws(GEOSError) -> Bool {
    try predicate("equals", other, GEOSEquals_r)
  }
}
