internal import CGEOS
import GeoCore

/// A planar geometry held in GEOS form: point, line, polygon, their multi-part
/// forms and collections, in the units of whatever CRS its coordinates are in.
///
/// Geometries are immutable: every operation returns a new geometry. A geometry
/// may be used from any thread but not from two threads at once (the type is not
/// `Sendable`); pass a `PolygonalShape` (or WKB) between threads and rebuild
/// there when needed.
/// GEOS's C API is reached through the calling thread's own context.
public final class Geometry {
  let handle: OpaquePointer
  private let owner: GEOSContext

  /// Takes ownership of a GEOS geometry made on `context`.
  init(taking handle: OpaquePointer, context: GEOSContext) {
    self.handle = handle
    self.owner = context
    context.liveObjects.add(1, ordering: .relaxed)
  }

  deinit {
    GEOSGeom_destroy_r(owner.handle, handle)
    owner.liveObjects.subtract(1, ordering: .relaxed)
  }

  /// Wraps the result of a GEOS call that returns NULL on exception.
  static func make(
    _ context: GEOSContext, _ operation: String, _ result: OpaquePointer?
  ) throws(GEOSError) -> Geometry {
    guard let result else { throw context.error(operation) }
    return Geometry(taking: result, context: context)
  }

  /// Reads a geometry from Well-Known Text (`GEOSWKTReader_read_r`).
  /// - Throws: `GEOSError` with GEOS's parse message when the text is not valid WKT.
  public convenience init(wkt: String) throws(GEOSError) {
    let context = GEOSContext.current
    context.resetMessage()
    guard let result = GEOSWKTReader_read_r(context.handle, context.wktReader, wkt) else {
      throw context.error("read WKT")
    }
    self.init(taking: result, context: context)
  }

  /// Reads a geometry from Well-Known Binary, ISO or extended (`GEOSWKBReader_read_r`).
  /// - Throws: `GEOSError` when the bytes are not a complete WKB geometry.
  public convenience init(wkb: [UInt8]) throws(GEOSError) {
    let context = GEOSContext.current
    context.resetMessage()
    let result = wkb.withUnsafeBufferPointer { bytes in
      GEOSWKBReader_read_r(context.handle, context.wkbReader, bytes.baseAddress, bytes.count)
    }
    guard let result else { throw context.error("read WKB") }
    self.init(taking: result, context: context)
  }

  /// A point (`GEOSGeom_createPointFromXY_r`).
  public static func point(x: Double, y: Double) -> Geometry {
    let context = GEOSContext.current
    return Geometry(taking: GEOSGeom_createPointFromXY_r(context.handle, x, y)!, context: context)
  }

  /// The rectangle covering an envelope, as a polygon (`GEOSGeom_createRectangle_r`).
  public static func rectangle(_ envelope: Envelope) -> Geometry {
    let context = GEOSContext.current
    let result = GEOSGeom_createRectangle_r(
      context.handle, envelope.minX, envelope.minY, envelope.maxX, envelope.maxY)!
    return Geometry(taking: result, context: context)
  }

  /// A deep copy (`GEOSGeom_clone_r`).
  public func copy() -> Geometry {
    let context = GEOSContext.current
    return Geometry(taking: GEOSGeom_clone_r(context.handle, handle)!, context: context)
  }

  /// The geometry as ISO Well-Known Binary, with Z when the geometry has Z
  /// (`GEOSWKBWriter_write_r`).
  public var wkb: [UInt8] {
    let context = GEOSContext.current
    var size = 0
    guard let bytes = GEOSWKBWriter_write_r(context.handle, context.wkbWriter, handle, &size)
    else { return [] }
    defer { GEOSFree_r(context.handle, bytes) }
    return Array(UnsafeBufferPointer(start: bytes, count: size))
  }

  /// The geometry as Well-Known Text with trailing zeros trimmed.
  public var wkt: String { wkt(decimals: nil) }

  /// The geometry as Well-Known Text, rounded to `decimals` digits when given
  /// (`GEOSWKTWriter_write_r`).
  public func wkt(decimals: Int?) -> String {
    let context = GEOSContext.current
    guard let writer = GEOSWKTWriter_create_r(context.handle) else { return "" }
    defer { GEOSWKTWriter_destroy_r(context.handle, writer) }
    GEOSWKTWriter_setTrim_r(context.handle, writer, 1)
    GEOSWKTWriter_setOutputDimension_r(context.handle, writer, 3)
    if let decimals {
      GEOSWKTWriter_setRoundingPrecision_r(context.handle, writer, Int32(decimals))
    }
    guard let text = GEOSWKTWriter_write_r(context.handle, writer, handle) else { return "" }
    defer { GEOSFree_r(context.handle, text) }
    return String(cString: text)
  }

  /// The kind of geometry; a linear ring reports `.lineString` (`GEOSGeomTypeId_r`).
  public var type: GeometryType {
    switch GEOSGeomTypeId_r(GEOSContext.current.handle, handle) {
    case Int32(GEOS_POINT.rawValue): return .point
    case Int32(GEOS_LINESTRING.rawValue), Int32(GEOS_LINEARRING.rawValue): return .lineString
    case Int32(GEOS_POLYGON.rawValue): return .polygon
    case Int32(GEOS_MULTIPOINT.rawValue): return .multiPoint
    case Int32(GEOS_MULTILINESTRING.rawValue): return .multiLineString
    case Int32(GEOS_MULTIPOLYGON.rawValue): return .multiPolygon
    case Int32(GEOS_GEOMETRYCOLLECTION.rawValue): return .geometryCollection
    default: return .unknown
    }
  }

  /// Whether the geometry has no points (`GEOSisEmpty_r`).
  public var isEmpty: Bool { GEOSisEmpty_r(GEOSContext.current.handle, handle) == 1 }

  /// Whether the coordinates carry a Z value (`GEOSHasZ_r`).
  public var hasZ: Bool { GEOSHasZ_r(GEOSContext.current.handle, handle) == 1 }

  /// The bounding box, or `nil` for an empty geometry (`GEOSGeom_getXMin_r` and siblings).
  public var envelope: Envelope? {
    if isEmpty { return nil }
    let context = GEOSContext.current.handle
    var minX = 0.0
    var minY = 0.0
    var maxX = 0.0
    var maxY = 0.0
    guard GEOSGeom_getXMin_r(context, handle, &minX) == 1,
      GEOSGeom_getYMin_r(context, handle, &minY) == 1,
      GEOSGeom_getXMax_r(context, handle, &maxX) == 1,
      GEOSGeom_getYMax_r(context, handle, &maxY) == 1
    else { return nil }
    return Envelope(minX: minX, minY: minY, maxX: maxX, maxY: maxY)
  }

  /// The number of coordinates in all parts and rings (`GEOSGetNumCoordinates_r`).
  public var pointCount: Int {
    max(0, Int(GEOSGetNumCoordinates_r(GEOSContext.current.handle, handle)))
  }

  /// The number of parts: 1 for a single geometry, the member count of a
  /// multi-geometry or collection (`GEOSGetNumGeometries_r`).
  public var partCount: Int {
    max(0, Int(GEOSGetNumGeometries_r(GEOSContext.current.handle, handle)))
  }

  /// The parts of a multi-geometry or collection, as copies; a single geometry gives itself.
  public var parts: [Geometry] {
    let context = GEOSContext.current
    return (0..<partCount).map { index in
      let part = GEOSGetGeometryN_r(context.handle, handle, Int32(index))!
      return Geometry(taking: GEOSGeom_clone_r(context.handle, part)!, context: context)
    }
  }

  /// A collection of the given kind made of copies of `parts`
  /// (`GEOSGeom_createCollection_r`).
  /// - Parameter type: `.multiPoint`, `.multiLineString`, `.multiPolygon` or `.geometryCollection`.
  /// - Throws: `GEOSError` when a part does not fit the kind (a line in a multipolygon).
  public static func collection(_ type: GeometryType, of parts: [Geometry]) throws(GEOSError)
    -> Geometry
  {
    let context = GEOSContext.current
    let typeID: Int32
    switch type {
    case .multiPoint: typeID = Int32(GEOS_MULTIPOINT.rawValue)
    case .multiLineString: typeID = Int32(GEOS_MULTILINESTRING.rawValue)
    case .multiPolygon: typeID = Int32(GEOS_MULTIPOLYGON.rawValue)
    default: typeID = Int32(GEOS_GEOMETRYCOLLECTION.rawValue)
    }
    for part in parts where type != .geometryCollection && part.type.promotedToMulti != type {
      throw GEOSError(
        operation: "build a \(type.rawValue)", message: "a part is a \(part.type.rawValue)")
    }
    // The collection takes ownership of the clones, not of the caller's parts.
    var clones: [OpaquePointer?] = parts.map { GEOSGeom_clone_r(context.handle, $0.handle) }
    context.resetMessage()
    let result = clones.withUnsafeMutableBufferPointer { buffer in
      GEOSGeom_createCollection_r(context.handle, typeID, buffer.baseAddress, UInt32(buffer.count))
    }
    return try make(context, "build a \(type.rawValue)", result)
  }
}

extension Geometry: CustomStringConvertible {
  /// The geometry's WKT, shortened past 200 characters.
  public var description: String {
    let text = wkt
    return text.count > 200 ? String(text.prefix(200)) + "..." : text
  }
}
