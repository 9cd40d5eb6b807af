/// The kind of a geometry or the declared geometry kind of a layer.
///
/// Curved types that GDAL reads (circular strings, curve polygons, ...) are
/// linearised before they reach TerritoryKit, so only the simple-feature kinds appear.
public enum GeometryType: String, Sendable, Hashable, Codable, CaseIterable {
  /// A point.
  case point = "Point"
  /// A line (or a ring).
  case lineString = "LineString"
  /// A polygon, possibly with holes.
  case polygon = "Polygon"
  /// Several points.
  case multiPoint = "MultiPoint"
  /// Several lines.
  case multiLineString = "MultiLineString"
  /// Several polygons.
  case multiPolygon = "MultiPolygon"
  /// Geometries of several kinds.
  case geometryCollection = "GeometryCollection"
  /// A layer that holds geometries of several kinds, or whose kind is not declared.
  case unknown = "Unknown"
  /// A layer without geometry (an attribute table).
  case none = "None"

  /// Whether the type is `polygon` or `multiPolygon`.
  public var isPolygonal: Bool { self == .polygon || self == .multiPolygon }
  /// Whether the type is `lineString` or `multiLineString`.
  public var isLineal: Bool { self == .lineString || self == .multiLineString }
  /// Whether the type is `point` or `multiPoint`.
  public var isPuntal: Bool { self == .point || self == .multiPoint }

  /// The multi-part type of the same dimension (`polygon` becomes `multiPolygon`).
  public var promotedToMulti: GeometryType {
    switch self {
    case .point: return .multiPoint
    case .lineString: return .multiLineString
    case .polygon: return .multiPolygon
    default: return self
    }
  }
}
