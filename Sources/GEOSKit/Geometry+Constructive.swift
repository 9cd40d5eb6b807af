internal import CGEOS
import GeoCore

/// How the ends of buffered lines are drawn (GEOS `GEOSBufCapStyles`).
public enum BufferCapStyle: Int32, Sendable {
  /// Round ends.
  case round = 1
  /// Ends cut square at the line's end.
  case flat = 2
  /// Square ends reaching past the line's end.
  case square = 3
}

/// How the corners of a buffer are drawn (GEOS `GEOSBufJoinStyles`).
public enum BufferJoinStyle: Int32, Sendable {
  /// Rounded corners.
  case round = 1
  /// Sharp corners, cut at the mitre limit.
  case mitre = 2
  /// Corners cut straight.
  case bevel = 3
}

/// Operations that build a new geometry from one. GEOS returns NULL on exception,
/// which throws with GEOS's message.
extension Geometry {
  func derive(
    _ name: String, _ body: (GEOSContextHandle_t) -> OpaquePointer?
  ) throws(GEOSError) -> Geometry {
    let context = GEOSContext.current
    context.resetMessage()
    return try Geometry.make(context, name, body(context.handle))
  }

  /// Repairs an invalid geometry without losing vertices (`GEOSMakeValid_r`,
  /// the "linework" method). The result may mix dimensions when parts collapse:
  /// see `polygonalPart()`.
  public func makeValid() throws(GEOSError) -> Geometry {
    try derive("make the geometry valid") { GEOSMakeValid_r($0, handle) }
  }

  /// Only the polygons of this geometry (from a collection that mixes polygons,
  /// lines and points), as a Polygon or MultiPolygon; empty when there are none.
  public func polygonalPart() throws(GEOSError) -> Geometry {
    switch type {
    case .polygon, .multiPolygon: return self
    case .geometryCollection, .multiPoint, .multiLineString:
      var polygons: [Geometry] = []
      for part in parts {
        let piece = try part.polygonalPart()
        if piece.isEmpty { continue }
        polygons.append(contentsOf: piece.type == .multiPolygon ? piece.parts : [piece])
      }
      if polygons.count == 1 { return polygons[0] }
      return try Geometry.collection(.multiPolygon, of: polygons)
    default:
      return try derive("build an empty polygon") { GEOSGeom_createEmptyPolygon_r($0) }
    }
  }

  /// The area within `distance` of the geometry (`GEOSBufferWithStyle_r`).
  /// - Parameters:
  ///   - distance: the buffer width in CRS units; negative shrinks polygons.
  ///   - quadrantSegments: segments used to approximate a quarter circle (GEOS default 8).
  ///   - capStyle: how line ends are drawn.
  ///   - joinStyle: how corners are drawn.
  ///   - mitreLimit: the longest mitre, as a multiple of `distance`, for `.mitre` joins.
  public func buffer(
    _ distance: Double, quadrantSegments: Int = 8, capStyle: BufferCapStyle = .round,
    joinStyle: BufferJoinStyle = .round, mitreLimit: Double = 5
  ) throws(GEOSError) -> Geometry {
    try derive("buffer") {
      GEOSBufferWithStyle_r(
        $0, handle, distance, Int32(quadrantSegments), capStyle.rawValue, joinStyle.rawValue,
        mitreLimit)
    }
  }

  /// Douglas-Peucker simplification; may produce invalid polygons (`GEOSSimplify_r`).
  public func simplified(tolerance: Double) throws(GEOSError) -> Geometry {
    try derive("simplify") { GEOSSimplify_r($0, handle, tolerance) }
  }

  /// Simplification that keeps polygons valid and rings from crossing
  /// (`GEOSTopologyPreserveSimplify_r`).
  public func simplifiedPreservingTopology(tolerance: Double) throws(GEOSError) -> Geometry {
    try derive("simplify") { GEOSTopologyPreserveSimplify_r($0, handle, tolerance) }
  }

  /// The part of the geometry inside a rectangle, much faster than an intersection
  /// with the rectangle; the result may not be valid where the input was not
  /// (`GEOSClipByRect_r`).
  public func clipped(to rectangle: Envelope) throws(GEOSError) -> Geometry {
    try derive("clip by rectangle") {
      GEOSClipByRect_r($0, handle, rectangle.minX, rectangle.minY, rectangle.maxX, rectangle.maxY)
    }
  }

  /// The centre of mass; it may lie outside a concave polygon (`GEOSGetCentroid_r`).
  public func centroid() throws(GEOSError) -> Geometry {
    try derive("compute a centroid") { GEOSGetCentroid_r($0, handle) }
  }

  /// A point guaranteed to lie on the geometry, for labels (`GEOSPointOnSurface_r`).
  public func pointOnSurface() throws(GEOSError) -> Geometry {
    try derive("compute a point on surface") { GEOSPointOnSurface_r($0, handle) }
  }

  /// The smallest convex polygon holding the geometry (`GEOSConvexHull_r`).
  public func convexHull() throws(GEOSError) -> Geometry {
    try derive("compute a convex hull") { GEOSConvexHull_r($0, handle) }
  }

  /// The x and y of a point geometry (`GEOSGeomGetX_r`, `GEOSGeomGetY_r`).
  /// - Throws: `GEOSError` when the geometry is not a non-empty point.
  public func pointCoordinates() throws(GEOSError) -> (x: Double, y: Double) {
    let context = GEOSContext.current
    context.resetMessage()
    var x = 0.0
    var y = 0.0
    guard GEOSGeomGetX_r(context.handle, handle, &x) == 1,
      GEOSGeomGetY_r(context.handle, handle, &y) == 1
    else { throw context.error("read point coordinates") }
    return (x, y)
  }

  /// A copy whose every (x, y) went through `body`; Z values are kept
  /// (`GEOSGeom_transformXY_r`). A reprojection uses this with a PROJ transformer.
  /// - Throws: the first error `body` throws, or `GEOSError` if GEOS fails.
  public func transformed(_ body: (inout Double, inout Double) throws -> Void) throws -> Geometry {
    final class Box {
      let body: (inout Double, inout Double) throws -> Void
      var error: (any Error)?
      init(_ body: @escaping (inout Double, inout Double) throws -> Void) { self.body = body }
    }
    return try withoutActuallyEscaping(body) { escapable in
      let box = Box(escapable)
      let context = GEOSContext.current
      context.resetMessage()
      let result = GEOSGeom_transformXY_r(
        context.handle, handle,
        { x, y, userData in
          let box = Unmanaged<Box>.fromOpaque(userData!).takeUnretainedValue()
          do {
            try box.body(&x!.pointee, &y!.pointee)
            return 1
          } catch {
            box.error = error
            return 0
          }
        }, Unmanaged.passUnretained(box).toOpaque())
      if let error = box.error {
        if let result { GEOSGeom_destroy_r(context.handle, result) }
        throw error
      }
      return try Geometry.make(context, "transform coordinates", result)
    }
  }
}
