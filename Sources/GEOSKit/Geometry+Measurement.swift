internal import CGEOS

extension Geometry {
  /// The area in squared CRS units; 0 for points and lines (`GEOSArea_r`).
  public var area: Double {
    var value = 0.0
    return GEOSArea_r(GEOSContext.current.handle, handle, &value) == 1 ? value : .nan
  }

  /// The length of lines, or the perimeter of polygons, in CRS units (`GEOSLength_r`).
  public var length: Double {
    var value = 0.0
    return GEOSLength_r(GEOSContext.current.handle, handle, &value) == 1 ? value : .nan
  }

  /// The shortest distance to `other` in CRS units (`GEOSDistance_r`).
  /// - Throws: `GEOSError` when either geometry is empty.
  public func distance(to other: Geometry) throws(GEOSError) -> Double {
    let context = GEOSContext.current
    context.resetMessage()
    var value = 0.0
    guard GEOSDistance_r(context.handle, handle, other.handle, &value) == 1 else {
      throw context.error("compute a distance")
    }
    return value
  }

  /// Whether the geometry is valid in the OGC Simple Features sense (`GEOSisValid_r`).
  public var isValid: Bool { GEOSisValid_r(GEOSContext.current.handle, handle) == 1 }

  /// Why the geometry is invalid, with the location (`"Self-intersection[0.5 0.5]"`),
  /// or `"Valid Geometry"` (`GEOSisValidReason_r`).
  public var validityReason: String {
    let context = GEOSContext.current
    guard let text = GEOSisValidReason_r(context.handle, handle) else {
      return context.error("check validity").message
    }
    defer { GEOSFree_r(context.handle, text) }
    return String(cString: text)
  }

  /// Whether every coordinate is a finite number (no NaN, no infinity).
  public var hasFiniteCoordinates: Bool {
    var finite = true
    forEachCoordinate { x, y in
      if !x.isFinite || !y.isFinite { finite = false }
    }
    return finite
  }

  /// Calls `body` with every (x, y) of every part and ring, in storage order.
  public func forEachCoordinate(_ body: (Double, Double) -> Void) {
    let context = GEOSContext.current.handle
    func visit(_ geometry: OpaquePointer) {
      let typeID = GEOSGeomTypeId_r(context, geometry)
      switch typeID {
      case Int32(GEOS_POLYGON.rawValue):
        if let ring = GEOSGetExteriorRing_r(context, geometry) { visit(ring) }
        for index in 0..<max(0, GEOSGetNumInteriorRings_r(context, geometry)) {
          if let ring = GEOSGetInteriorRingN_r(context, geometry, index) { visit(ring) }
        }
      case Int32(GEOS_POINT.rawValue), Int32(GEOS_LINESTRING.rawValue),
        Int32(GEOS_LINEARRING.rawValue):
        guard let sequence = GEOSGeom_getCoordSeq_r(context, geometry) else { return }
        var size: UInt32 = 0
        GEOSCoordSeq_getSize_r(context, sequence, &size)
        var x = 0.0
        var y = 0.0
        for index in 0..<size {
          GEOSCoordSeq_getXY_r(context, sequence, index, &x, &y)
          body(x, y)
        }
      default:
        for index in 0..<max(0, GEOSGetNumGeometries_r(context, geometry)) {
          if let part = GEOSGetGeometryN_r(context, geometry, index) { visit(part) }
        }
      }
    }
    visit(handle)
  }
}
