import GEOSKit
import GeoCore
import PROJKit

/// Where `convertVector` copies layers to: a new file (`VectorWriter`) or a new
/// PostGIS table (`PostGISTableWriter`). Nothing is visible at the destination
/// until `commit()`; `discard()` leaves it as it was.
protocol LayerWriting: AnyObject {
  /// The destination as shown in messages (a connection's password masked there).
  var path: String { get }
  /// Adds a layer and returns its index for `write(_:toLayer:)`.
  func addLayer(
    name: String, geometryType: GeometryType, hasZ: Bool, crs: CRS?, fields: [Field]
  ) throws(GDALError) -> Int
  /// Writes one encoded feature (attributes in the layer's field order) to layer `index`.
  func write(_ feature: EncodedFeature, toLayer index: Int) throws(GDALError)
  /// Makes what was written visible at the destination, all at once.
  func commit() throws
  /// Abandons what was written.
  func discard()
}

extension VectorWriter: LayerWriting {}
extension PostGISTableWriter: LayerWriting {}
