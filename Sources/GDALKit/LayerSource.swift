import GEOSKit
import GeoCore
import PROJKit

/// A vector layer as the user names it: a file, a layer in it (the first when
/// `nil`), and the CRS to assume when the file declares none or a wrong one.
///
/// Opening it is the one way the commands, the tools and the site loader read
/// vector data: the layer is found, its CRS settled, its geometry type checked
/// and its features given in a working CRS, with every check and its error in
/// one place.
public struct LayerSource: Sendable, Hashable, CustomStringConvertible {
  /// The vector file (any format GDAL reads).
  public var path: String
  /// The layer's name; the first layer when `nil`.
  public var layer: String?
  /// The CRS the layer is in, whatever its file declares (a file whose CRS is wrong).
  public var assumedCRS: CRS?
  /// The CRS of the layer only when its file declares none.
  public var fallbackCRS: CRS?

  /// Names the layer `layer` (the first when `nil`) of `path`.
  public init(path: String, layer: String? = nil, assumedCRS: CRS? = nil, fallbackCRS: CRS? = nil) {
    self.path = path
    self.layer = layer
    self.assumedCRS = assumedCRS
    self.fallbackCRS = fallbackCRS
  }

  /// `path`, or `path` and the layer's name.
  public var description: String { layer.map { "\(path) (layer '\($0)')" } ?? path }

  /// Opens the file and finds the layer.
  /// - Throws: `GDALError.fileNotFound`, `.notVector`, `.cannotOpen`, `.noLayers`,
  ///   `.layerNotFound` listing the layers that exist.
  public func open() throws(GDALError) -> OpenedLayer {
    let dataset = try VectorDataset(path: path)
    let found = try layer.map(dataset.layer(named:)) ?? dataset.layer(at: 0)
    return OpenedLayer(source: self, layer: found)
  }
}

/// An open vector layer of a `LayerSource`, with its CRS settled: the assumed
/// one, else the one its file declares, else the fallback.
///
/// Not `Sendable` (a GDAL layer); open one per thread.
public final class OpenedLayer {
  /// What was opened.
  public let source: LayerSource
  /// The layer itself.
  public let layer: VectorLayer
  /// The layer's CRS: the assumed one, else the declared one, else the fallback;
  /// `nil` when there is none.
  public let crs: CRS?

  init(source: LayerSource, layer: VectorLayer) {
    self.source = source
    self.layer = layer
    crs = source.assumedCRS ?? layer.crs ?? source.fallbackCRS
  }

  /// The file's path.
  public var path: String { source.path }
  /// The layer's name.
  public var name: String { layer.name }
  /// The layer's fields.
  public var fields: [Field] { layer.fields }
  /// GDAL's short name of the file's driver (`GPKG`, `ESRI Shapefile`, ...).
  public var driverName: String { layer.dataset.driverName }
  /// The names of every layer of the file, in order.
  public var layerNames: [String] { layer.dataset.layerNames }

  /// The layer's CRS.
  /// - Throws: `GDALError.missingCRS` when the file declares none and none is assumed.
  public func requireCRS() throws(GDALError) -> CRS {
    guard let crs else { throw .missingCRS(path: path, layer: name) }
    return crs
  }

  /// Checks that the layer may hold polygons (a polygon, multi-polygon, unknown
  /// or collection type).
  /// - Throws: `GDALError.notPolygons` naming the type it declares.
  public func requirePolygons() throws(GDALError) {
    let type = layer.geometryType
    if !(type.isPolygonal || type == .unknown || type == .geometryCollection) {
      throw .notPolygons(path: path, layer: name, type: type.rawValue)
    }
  }

  /// The position of the field `name`.
  /// - Throws: `GDALError.fieldNotFound` listing the fields that exist.
  public func fieldIndex(_ name: String) throws(GDALError) -> Int {
    let fields = self.fields
    guard let index = fields.firstIndex(where: { $0.name == name }) else {
      throw .fieldNotFound(path: path, layer: self.name, field: name, available: fields.map(\.name))
    }
    return index
  }

  /// The transformer from the layer's CRS to `working`; `nil` when they are equivalent.
  /// - Throws: `GDALError.missingCRS`, `PROJError`.
  public func transformer(to working: CRS) throws -> Transformer? {
    try Transformer.unlessEquivalent(from: try requireCRS(), to: working)
  }

  /// Calls `body` with every feature, its geometry transformed to `working`
  /// (as it is when `working` is `nil` or equivalent to the layer's CRS).
  /// - Throws: `GDALError.missingCRS` (when transforming), the reader's
  ///   `GDALError`s, `PROJError`, `GEOSError`, or what `body` throws.
  public func forEachFeature(in working: CRS? = nil, _ body: (Feature) throws -> Void) throws {
    let transformer = try working.flatMap { try self.transformer(to: $0) }
    try layer.forEachFeature { feature in
      guard let transformer, let geometry = feature.geometry, !geometry.isEmpty else {
        return try body(feature)
      }
      var moved = feature
      moved.geometry = try transformer.transform(geometry)
      try body(moved)
    }
  }

  /// The layer's extent in `crs` (edges densified when transforming).
  /// - Throws: `GDALError.emptyLayer`, `.missingCRS`, `PROJError`.
  public func extent(in crs: CRS) throws -> Envelope {
    guard let extent = layer.extent else { throw GDALError.emptyLayer(path: path, layer: name) }
    guard let transformer = try transformer(to: crs) else { return extent }
    return try transformer.transformBounds(extent)
  }
}
