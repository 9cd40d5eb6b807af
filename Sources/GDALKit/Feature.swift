import GEOSKit
import GeoCore

/// One feature read from a layer: its id, typed attributes and geometry.
///
/// Not `Sendable`, because its geometry is a GEOS object (see `Geometry`).
public struct Feature {
  /// The feature id in the source (GeoPackage `fid`, Shapefile record number, ...).
  public var id: Int64
  /// The attribute values, in the order of the layer's fields.
  public var attributes: [FieldValue]
  /// The geometry, or `nil` when the feature has none.
  public var geometry: Geometry?

  /// Creates a feature.
  public init(id: Int64, attributes: [FieldValue], geometry: Geometry?) {
    self.id = id
    self.attributes = attributes
    self.geometry = geometry
  }
}
