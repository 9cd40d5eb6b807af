import GeoCore

/// One source polygon ready for interpolation: its rings in the working CRS
/// (already repaired and masked) and its values.
public struct SourceUnit: Sendable {
  /// The feature id in the source layer, for messages.
  public var id: Int64
  /// The polygons of the unit (a MultiPolygon gives several), as rings.
  public var polygons: [PolygonRings]
  /// The unit's geometry as it was repaired and masked, for the general (GEOS)
  /// path against arbitrary target polygons; `nil` when the unit has none.
  public var shape: PolygonalShape?
  /// One value per extensive variable, `nil` when missing.
  public var extensive: [Double?]
  /// One value per intensive variable, `nil` when missing.
  public var intensive: [Double?]
  /// One category per categorical variable, `nil` when missing.
  public var categories: [String?]

  /// Creates a source unit.
  public init(
    id: Int64, polygons: [PolygonRings], shape: PolygonalShape?, extensive: [Double?],
    intensive: [Double?],
    categories: [String?]
  ) {
    self.id = id
    self.polygons = polygons
    self.shape = shape
    self.extensive = extensive
    self.intensive = intensive
    self.categories = categories
  }

  /// The unit's area (after masking).
  public var area: Double { polygons.reduce(0) { $0 + $1.area } }
}
