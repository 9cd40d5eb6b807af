internal import CGEOS

/// Polygon coordinates as plain arrays, for algorithms written in Swift (exact
/// coverage of grid cells, point-in-polygon tests) that would be slow through
/// one GEOS call per cell.
extension Geometry {
  /// The rings of every polygon in the geometry: one entry per polygon (a
  /// Polygon gives one, a MultiPolygon or collection one per polygon part), each
  /// a list of rings, exterior first, each ring a closed list of (x, y) points
  /// (`GEOSCoordSeq_copyToBuffer_r`). Lines and points are skipped.
  public func polygonRings() -> [[[SIMD2<Double>]]] {
    let context = GEOSContext.current.handle
    var polygons: [[[SIMD2<Double>]]] = []
    func ring(_ geometry: OpaquePointer) -> [SIMD2<Double>] {
      guard let sequence = GEOSGeom_getCoordSeq_r(context, geometry) else { return [] }
      var size: UInt32 = 0
      GEOSCoordSeq_getSize_r(context, sequence, &size)
      var points = [SIMD2<Double>](repeating: .zero, count: Int(size))
      points.withUnsafeMutableBytes { buffer in
        _ = GEOSCoordSeq_copyToBuffer_r(
          context, sequence, buffer.baseAddress!.assumingMemoryBound(to: Double.self), 0, 0)
      }
      return points
    }
    func visit(_ geometry: OpaquePointer) {
      let typeID = GEOSGeomTypeId_r(context, geometry)
      if typeID == Int32(GEOS_POLYGON.rawValue) {
        guard GEOSisEmpty_r(context, geometry) == 0,
          let exterior = GEOSGetExteriorRing_r(context, geometry)
        else { return }
        var rings = [ring(exterior)]
        for index in 0..<max(0, GEOSGetNumInteriorRings_r(context, geometry)) {
          if let hole = GEOSGetInteriorRingN_r(context, geometry, index) {
            rings.append(ring(hole))
          }
        }
        polygons.append(rings)
      } else if typeID == Int32(GEOS_MULTIPOLYGON.rawValue)
        || typeID == Int32(GEOS_GEOMETRYCOLLECTION.rawValue)
      {
        for index in 0..<max(0, GEOSGetNumGeometries_r(context, geometry)) {
          if let part = GEOSGetGeometryN_r(context, geometry, index) { visit(part) }
        }
      }
    }
    visit(handle)
    return polygons
  }

  /// A polygon from closed rings of (x, y) points, exterior first
  /// (`GEOSGeom_createPolygon_r`). A ring whose last point differs from its
  /// first is closed.
  /// - Throws: `GEOSError` when a ring has fewer than 3 points once closed.
  public static func polygon(rings: [[SIMD2<Double>]]) throws(GEOSError) -> Geometry {
    let context = GEOSContext.current
    context.resetMessage()
    var made: [OpaquePointer] = []
    for points in rings {
      var closed = points
      if let first = closed.first, first != closed.last { closed.append(first) }
      let sequence = closed.withUnsafeBytes { buffer in
        GEOSCoordSeq_copyFromBuffer_r(
          context.handle, buffer.baseAddress!.assumingMemoryBound(to: Double.self),
          UInt32(closed.count), 0, 0)
      }
      guard let sequence, let ring = GEOSGeom_createLinearRing_r(context.handle, sequence) else {
        for ring in made { GEOSGeom_destroy_r(context.handle, ring) }
        throw context.error("build a polygon ring of \(closed.count) points")
      }
      made.append(ring)
    }
    guard let shell = made.first else {
      return try Geometry.make(
        context, "build an empty polygon", GEOSGeom_createEmptyPolygon_r(context.handle))
    }
    var holes: [OpaquePointer?] = made.dropFirst().map { $0 }
    let result = holes.withUnsafeMutableBufferPointer { buffer in
      GEOSGeom_createPolygon_r(context.handle, shell, buffer.baseAddress, UInt32(buffer.count))
    }
    return try Geometry.make(context, "build a polygon", result)
  }
}

extension Geometry {
  /// A line string through `points` (`GEOSGeom_createLineString_r`).
  /// - Throws: `GEOSError` when it has fewer than 2 points.
  public static func lineString(_ points: [SIMD2<Double>]) throws(GEOSError) -> Geometry {
    let context = GEOSContext.current
    context.resetMessage()
    let sequence = points.withUnsafeBytes { buffer in
      GEOSCoordSeq_copyFromBuffer_r(
        context.handle, buffer.baseAddress?.assumingMemoryBound(to: Double.self),
        UInt32(points.count), 0, 0)
    }
    guard let sequence else { throw context.error("build a line of \(points.count) points") }
    return try Geometry.make(
      context, "build a line of \(points.count) points",
      GEOSGeom_createLineString_r(context.handle, sequence))
  }
}
