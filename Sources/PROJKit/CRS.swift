internal import CPROJ
import GeoCore

/// A coordinate reference system, parsed and described by PROJ.
///
/// A `CRS` is a plain value (`Sendable`): it keeps PROJ's WKT2 text and what was
/// read from it, and PROJ objects are rebuilt from the text on whichever thread
/// needs them. Create one from `EPSG:n` (or any `AUTHORITY:CODE`), WKT (1 or 2),
/// PROJJSON, or a PROJ string (`+proj=utm +zone=25 +south +ellps=GRS80`).
public struct CRS: Sendable, Hashable, CustomStringConvertible {
  /// The kind of coordinate system.
  public enum Kind: String, Sendable, Hashable, Codable {
    /// Longitude and latitude.
    case geographic
    /// Eastings and northings on a map projection.
    case projected
    /// Earth-centred x, y, z.
    case geocentric
    /// Horizontal plus vertical.
    case compound
    /// Heights or depths only.
    case vertical
    /// A local engineering grid.
    case engineering
    /// Anything else.
    case other
  }

  /// The area where the CRS is meant to be used, in degrees.
  public struct AreaOfUse: Sendable, Hashable, Codable {
    /// The name of the area (`"France - onshore and offshore..."`).
    public var name: String
    /// The bounds, in degrees of longitude (x) and latitude (y).
    public var bounds: Envelope
  }

  /// The text the CRS was made from.
  public let definition: String
  /// The CRS as WKT2 (2019), which is what PROJ rebuilds it from.
  public let wkt: String
  /// The CRS's name (`"RGF93 v1 / Lambert-93"`).
  public let name: String
  /// The EPSG code when the definition carries one, or when PROJ identifies the
  /// CRS with certainty (confidence 100); `nil` otherwise.
  public let epsgCode: Int?
  /// What kind of CRS this is. For a CRS bound to WGS 84 by a datum shift
  /// (a `BOUNDCRS`, common in GDAL files), the kind of the CRS that is bound.
  public let kind: Kind
  /// The unit of the first axis (`"metre"`, `"degree"`, `"US survey foot"`).
  public let axisUnit: String
  /// The name of the datum (`"Reseau Geodesique Francais 1993 v1"`), or `"unknown"`.
  public let datumName: String?
  /// Where the CRS is valid, when PROJ knows it.
  public let areaOfUse: AreaOfUse?

  /// Whether coordinates are longitude/latitude.
  public var isGeographic: Bool { kind == .geographic }
  /// Whether coordinates are projected (eastings/northings).
  public var isProjected: Bool { kind == .projected }

  /// `EPSG:n` when the code is known, the name otherwise.
  public var description: String { epsgCode.map { "EPSG:\($0)" } ?? name }

  /// Parses a CRS definition with PROJ (`proj_create`).
  /// - Throws: `PROJError.unknownCRS` with PROJ's message when the text is not
  ///   understood, `PROJError.notACRS` when it is not a CRS.
  public init(_ definition: String) throws(PROJError) {
    let trimmed = definition.trimmingWhitespace()
    // A bare number is an EPSG code, as users write it (`2154`).
    var text =
      !trimmed.isEmpty && trimmed.allSatisfy({ $0.isASCII && $0.isNumber })
      ? "EPSG:" + trimmed : trimmed
    if text.hasPrefix("+"), !text.contains("+type=crs") { text += " +type=crs" }
    let context = PROJContext.current
    context.reset()
    guard !trimmed.isEmpty, let handle = proj_create(context.handle, text) else {
      throw .unknownCRS(
        definition: definition,
        message: trimmed.isEmpty ? "empty definition" : context.lastMessage())
    }
    let object = PJObject(handle, context)
    guard proj_is_crs(handle) == 1 else { throw .notACRS(definition: definition) }
    self.definition = definition
    self.wkt =
      proj_as_wkt(context.handle, handle, PJ_WKT2_2019, nil).map { String(cString: $0) } ?? text
    let described = CRSDescription(object)
    self.name = described.name
    self.epsgCode = described.epsgCode
    self.kind = described.kind
    self.axisUnit = described.axisUnit
    self.datumName = described.datumName
    self.areaOfUse = described.areaOfUse
  }

  /// WGS 84 longitude/latitude (`EPSG:4326`, used with x = longitude).
  public static var wgs84: CRS { get throws(PROJError) { try CRS("EPSG:4326") } }

  /// Web Mercator (`EPSG:3857`), the CRS of XYZ map tiles.
  public static var webMercator: CRS { get throws(PROJError) { try CRS("EPSG:3857") } }

  /// The CRS as PROJJSON (`proj_as_projjson`).
  public var projJSON: String {
    let context = PROJContext.current
    guard let handle = proj_create(context.handle, wkt) else { return "" }
    defer { proj_destroy(handle) }
    return proj_as_projjson(context.handle, handle, nil).map { String(cString: $0) } ?? ""
  }

  /// Whether both describe the same CRS, ignoring names and metadata
  /// (`proj_is_equivalent_to`, PJ_COMP_EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS).
  public func isEquivalent(to other: CRS) -> Bool {
    if self == other { return true }
    let context = PROJContext.current
    guard let a = proj_create(context.handle, wkt), let b = proj_create(context.handle, other.wkt)
    else { return false }
    defer {
      proj_destroy(a)
      proj_destroy(b)
    }
    return proj_is_equivalent_to(a, b, PJ_COMP_EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS) == 1
  }

  /// Two CRSs are equal when their WKT2 texts are.
  public static func == (lhs: CRS, rhs: CRS) -> Bool { lhs.wkt == rhs.wkt }

  /// Hashes the WKT2 text.
  public func hash(into hasher: inout Hasher) { hasher.combine(wkt) }
}

extension String {
  func trimmingWhitespace() -> String {
    var scalars = Substring(self)
    while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
    while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
    return String(scalars)
  }
}
