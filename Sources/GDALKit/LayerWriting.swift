import GEOSKit
import GeoCore
import PROJKit

/// A destination of new layers: a file (`VectorWriter`), a PostGIS table
/// (`PostGISTableWriter`) or a PostGIS schema of tables (`PostGISSchemaWriter`).
/// Nothing is visible at the destination until `commit()`; `discard()` leaves
/// it as it was.
public protocol FeatureWriting: AnyObject {
  /// The destination as shown in messages (a connection's password masked there).
  var path: String { get }
  /// Adds a layer and returns its index for `write(_:toLayer:)`.
  func addLayer(
    name: String, geometryType: GeometryType, hasZ: Bool, crs: CRS?, fields: [Field]
  ) throws(GDALError) -> Int
  /// Writes one feature (attributes in the layer's field order) to layer `index`.
  func write(_ feature: Feature, toLayer index: Int) throws(GDALError)
  /// Makes what was written visible at the destination, all at once.
  func commit() throws
  /// Abandons what was written.
  func discard()
}

/// A destination that also takes features already encoded as WKB, from the
/// writing thread of a copy (`WritingThread`).
protocol LayerWriting: FeatureWriting {
  /// Writes one encoded feature to layer `index`.
  func write(_ feature: EncodedFeature, toLayer index: Int) throws(GDALError)
}

extension VectorWriter: LayerWriting {}
extension PostGISTableWriter: LayerWriting {}
extension PostGISSchemaWriter: FeatureWriting {}
