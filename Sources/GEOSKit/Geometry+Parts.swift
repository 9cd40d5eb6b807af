internal import CGEOS

/// Lines and points as plain arrays, and the precision grid: what a tiler needs
/// to work on coordinates in Swift and to repair what rounding broke.
extension Geometry {
  /// The coordinates of every line in the geometry (a LineString gives one, a
  /// MultiLineString or a collection one per line part). Polygons and points are
  /// skipped.
  public func lineStrings() -> [[SIMD2<Double>]] {
    var lines: [[SIMD2<Double>]] = []
    visitParts { context, part, typeID in
      if typeID == Int32(GEOS_LINESTRING.rawValue) || typeID == Int32(GEOS_LINEARRING.rawValue) {
        let points = Geometry.coordinates(context, part)
        if !points.isEmpty { lines.append(points) }
      }
    }
    return lines
  }

  /// The coordinates of every point in the geometry (Point, MultiPoint or a
  /// collection). Lines and polygons are skipped; empty points are skipped.
  public func pointList() -> [SIMD2<Double>] {
    var points: [SIMD2<Double>] = []
    visitParts { context, part, typeID in
      if typeID == Int32(GEOS_POINT.rawValue) { points += Geometry.coordinates(context, part) }
    }
    return points
  }

  /// The same geometry with every coordinate on a grid of `gridSize`, kept valid:
  /// parts that collapse are removed and crossings made by the rounding are noded
  /// (`GEOSGeom_setPrecision_r`, snap-rounding).
  public func snapped(toGrid gridSize: Double) throws(GEOSError) -> Geometry {
    try derive("round to a grid of \(gridSize)") {
      GEOSGeom_setPrecision_r($0, handle, gridSize, 0)
    }
  }

  /// Calls `body` for each simple part (point, line, ring-holding polygon).
  private func visitParts(_ body: (OpaquePointer, OpaquePointer, Int32) -> Void) {
    let context = GEOSContext.current.handle
    func visit(_ geometry: OpaquePointer) {
      let typeID = GEOSGeomTypeId_r(context, geometry)
      if typeID == Int32(GEOS_MULTIPOINT.rawValue) || typeID == Int32(GEOS_MULTILINESTRING.rawValue)
        || typeID == Int32(GEOS_MULTIPOLYGON.rawValue)
        || typeID == Int32(GEOS_GEOMETRYCOLLECTION.rawValue)
      {
        for index in 0..<max(0, GEOSGetNumGeometries_r(context, geometry)) {
          if let part = GEOSGetGeometryN_r(context, geometry, index) { visit(part) }
        }
      } else if GEOSisEmpty_r(context, geometry) == 0 {
        body(context, geometry, typeID)
      }
    }
    visit(handle)
  }

  /// The (x, y) points of a point, line or ring (`GEOSCoordSeq_copyToBuffer_r`).
  static func coordinates(_ context: OpaquePointer, _ geometry: OpaquePointer) -> [SIMD2<Double>] {
    guard let sequence = GEOSGeom_getCoordSeq_r(context, geometry) else { return [] }
    var size: UInt32 = 0
    GEOSCoordSeq_getSize_r(context, sequence, &size)
    var points = [SIMD2<Double>](repeating: .zero, count: Int(size))
    if size > 0 {
      points.withUnsafeMutableBytes { buffer in
        _ = GEOSCoordSeq_copyToBuffer_r(
          context, sequence, buffer.baseAddress!.assumingMemoryBound(to: Double.self), 0, 0)
      }
    }
    return points
  }
}
