import GDALKit
import GEOSKit
import GeoCore
import PROJKit

/// Target polygons read from a layer (zones, catchments, another level of units),
/// in the working CRS, with their own attributes.
public struct TargetLayer: Sendable {
  /// The layer's name.
  public var name: String
  /// The layer's fields.
  public var fields: [Field]
  /// Each target's attributes.
  public var attributes: [[FieldValue]]
  /// Each target's polygons in the working CRS (`nil`: no geometry).
  public var geometries: [PolygonalShape?]
  /// The CRS the layer was read in (it is reprojected when it differs from the working CRS).
  public var sourceCRS: CRS
  /// What was changed in building the layer, one line each (sliver holes a
  /// dissolve closed), for the job's report.
  public var notes: [String] = []

  /// Creates a target layer from its parts.
  public init(
    name: String, fields: [Field], attributes: [[FieldValue]], geometries: [PolygonalShape?],
    sourceCRS: CRS
  ) {
    self.name = name
    self.fields = fields
    self.attributes = attributes
    self.geometries = geometries
    self.sourceCRS = sourceCRS
  }

  /// Reads the targets of `path` (first layer unless `layer`) in `workingCRS`,
  /// assuming `assumedCRS` instead of the file's CRS when given.
  /// - Throws: `GDALError.missingCRS`, `.notPolygons`, `AnalysisError.emptySource`,
  ///   `GDALError`, `PROJError`, `GEOSError`.
  public static func load(
    path: String, layer: String?, workingCRS: CRS, assumedCRS: CRS? = nil
  ) throws -> TargetLayer {
    let source = try LayerSource(path: path, layer: layer, assumedCRS: assumedCRS).open()
    let crs = try source.requireCRS()
    try source.requirePolygons()
    var targets = TargetLayer(
      name: source.name, fields: source.fields, attributes: [], geometries: [], sourceCRS: crs)
    try source.forEachFeature(in: workingCRS) { try targets.append($0) }
    if targets.attributes.isEmpty {
      throw AnalysisError.emptySource(path: path, layer: source.name)
    }
    return targets
  }

  /// Adds a feature whose geometry is in the working CRS: its attributes, and its
  /// polygonal part, repaired when invalid.
  mutating func append(_ feature: Feature) throws {
    attributes.append(feature.attributes)
    guard var geometry = feature.geometry, !geometry.isEmpty else {
      geometries.append(nil)
      return
    }
    if !geometry.isValid { geometry = try geometry.makeValid() }
    geometries.append(try geometry.polygonalPart().polygonalShape)
  }
}
