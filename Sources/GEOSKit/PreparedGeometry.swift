internal import CGEOS

/// A geometry indexed for many predicate tests against it (`GEOSPrepare_r`):
/// testing thousands of points or cells against one polygon is then
/// logarithmic instead of linear in the polygon's vertex count.
///
/// Not `Sendable`: GEOS builds its index lazily on first use.
public final class PreparedGeometry {
  private let handle: OpaquePointer
  private let owner: GEOSContext
  /// The geometry that was prepared; kept alive because GEOS refers to it.
  public let geometry: Geometry

  /// Prepares `geometry` for repeated predicates.
  /// - Throws: `GEOSError` when GEOS cannot prepare it.
  public init(_ geometry: Geometry) throws(GEOSError) {
    let context = GEOSContext.current
    context.resetMessage()
    guard let prepared = GEOSPrepare_r(context.handle, geometry.handle) else {
      throw context.error("prepare a geometry")
    }
    self.handle = prepared
    self.owner = context
    self.geometry = geometry
    context.liveObjects.add(1, ordering: .relaxed)
  }

  deinit {
    GEOSPreparedGeom_destroy_r(owner.handle, handle)
    owner.liveObjects.subtract(1, ordering: .relaxed)
  }

  private func predicate(
    _ name: String, _ other: Geometry,
    _ function: (GEOSContextHandle_t?, OpaquePointer?, OpaquePointer?) -> CChar
  ) throws(GEOSError) -> Bool {
    try GEOSContext.current.evaluate("prepared \(name)") { context in
      withExtendedLifetime(geometry) { function(context, handle, other.handle) }
    }
  }

  /// Whether the prepared geometry and `other` share a point (`GEOSPreparedIntersects_r`).
  public func intersects(_ other: Geometry) throws(GEOSError) -> Bool {
    try predicate("intersects", other, GEOSPreparedIntersects_r)
  }

  /// Whether `other` lies inside the prepared geometry (`GEOSPreparedContains_r`).
  public func contains(_ other: Geometry) throws(GEOSError) -> Bool {
    try predicate("contains", other, GEOSPreparedContains_r)
  }

  /// Whether `other` lies in the interior, not touching the boundary
  /// (`GEOSPreparedContainsProperly_r`).
  public func containsProperly(_ other: Geometry) throws(GEOSError) -> Bool {
    try predicate("contains properly", other, GEOSPreparedContainsProperly_r)
  }

  /// Whether no point of `other` lies outside the prepared geometry (`GEOSPreparedCovers_r`).
  public func covers(_ other: Geometry) throws(GEOSError) -> Bool {
    try predicate("covers", other, GEOSPreparedCovers_r)
  }

  /// Whether the prepared geometry lies inside `other` (`GEOSPreparedWithin_r`).
  public func within(_ other: Geometry) throws(GEOSError) -> Bool {
    try predicate("within", other, GEOSPreparedWithin_r)
  }

  /// Whether the two touch only on their boundaries (`GEOSPreparedTouches_r`).
  public func touches(_ other: Geometry) throws(GEOSError) -> Bool {
    try predicate("touches", other, GEOSPreparedTouches_r)
  }

  /// Whether the two share no point (`GEOSPreparedDisjoint_r`).
  public func disjoint(_ other: Geometry) throws(GEOSError) -> Bool {
    try predicate("disjoint", other, GEOSPreparedDisjoint_r)
  }

  /// Whether the two overlap (`GEOSPreparedOverlaps_r`).
  public func overlaps(_ other: Geometry) throws(GEOSError) -> Bool {
    try predicate("overlaps", other, GEOSPreparedOverlaps_r)
  }
}
