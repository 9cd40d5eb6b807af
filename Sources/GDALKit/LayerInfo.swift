import GeoCore
import PROJKit

/// A summary of one vector layer: what `territory info` prints.
public struct LayerInfo: Sendable, Hashable {
  /// The layer's name.
  public var name: String
  /// The declared geometry type (`.unknown` for mixed layers, `.none` for tables).
  public var geometryType: GeometryType
  /// Whether the declared geometries carry Z.
  public var hasZ: Bool
  /// The number of features (counted by GDAL when the format does not store it);
  /// `nil` when not even GDAL can tell without reading (OpenStreetMap files).
  public var featureCount: Int?
  /// The layer's CRS, or `nil` when the file declares none.
  public var crs: CRS?
  /// The extent in the layer's CRS, or `nil` for an empty layer.
  public var extent: Envelope?
  /// The attribute fields, in order.
  public var fields: [Field]
  /// The name of the geometry column, when the format has one (`geom` in GeoPackage).
  public var geometryColumn: String
  /// The name of the feature-id column, when the format has one (`fid` in GeoPackage).
  public var fidColumn: String
}
