import CGDAL
import GEOSKit
import GeoCore

/// Streams the features of a layer (`OGR_L_GetNextFeature`), checking what GDAL
/// lets through silently: geometries it could not decode (returned as null with a
/// warning), NaN or infinite coordinates, text that is not UTF-8, and layers
/// that end before the feature count they announce.
///
/// Not `Sendable`; see `VectorLayer`.
public final class FeatureReader {
  private let layer: VectorLayer
  private let fields: [Field]
  private let announced: Int?
  /// The number of features read so far.
  public private(set) var readCount = 0
  /// The number of features read so far that have no geometry.
  public private(set) var nullGeometryCount = 0
  /// GDAL's warnings while reading, without repeats.
  public private(set) var warnings: [String] = []
  /// The geometry types met so far (a layer that declares none, such as a CSV
  /// with a WKT column, is then described by what it holds).
  public private(set) var geometryTypes: Set<GeometryType> = []
  private var finished = false

  init(layer: VectorLayer) {
    self.layer = layer
    self.fields = layer.fields
    self.announced = layer.featureCount(force: false)
    OGR_L_ResetReading(layer.handle)
  }

  /// The next feature, or `nil` after the last one.
  /// - Throws: `GDALError.readFailed` when GDAL reports an error,
  ///   `.unreadableGeometry`, `.nonFiniteCoordinates`, `.invalidText`, and
  ///   `.featureCountMismatch` at the end when fewer features came than announced.
  public func next() throws(GDALError) -> Feature? {
    if finished { return nil }
    let (raw, messages) = withGDALMessages { OGR_L_GetNextFeature(layer.handle) }
    for warning in messages.warnings where !warnings.contains(warning) {
      warnings.append(warning)
    }
    guard let raw else {
      finished = true
      if !messages.errors.isEmpty {
        throw .readFailed(path: layer.path, layer: layer.name, detail: messages.summary)
      }
      if let announced, readCount < announced {
        throw .featureCountMismatch(
          path: layer.path, layer: layer.name, announced: announced, read: readCount)
      }
      return nil
    }
    defer { OGR_F_Destroy(raw) }
    readCount += 1
    let id = OGR_F_GetFID(raw)
    if !messages.errors.isEmpty {
      throw .readFailed(path: layer.path, layer: layer.name, detail: messages.summary)
    }
    let geometry = try readGeometry(raw, id: id, messages: messages)
    if let geometry { geometryTypes.insert(geometry.type) } else { nullGeometryCount += 1 }
    var attributes: [FieldValue] = []
    attributes.reserveCapacity(fields.count)
    for (index, field) in fields.enumerated() {
      guard let value = FieldKind.value(of: raw, at: Int32(index), type: field.type) else {
        throw .invalidText(path: layer.path, layer: layer.name, field: field.name, feature: id)
      }
      attributes.append(value)
    }
    return Feature(id: id, attributes: attributes, geometry: geometry)
  }

  private func readGeometry(_ raw: OGRFeatureH, id: Int64, messages: GDALMessages)
    throws(GDALError) -> Geometry?
  {
    guard var ogr = OGR_F_GetGeometryRef(raw) else {
      // GDAL turns undecodable geometries (NaN tokens, bad WKT, corrupt blobs) into
      // null geometries with only a warning: that is an error here.
      if !messages.warnings.isEmpty {
        throw .unreadableGeometry(
          path: layer.path, layer: layer.name, feature: id, detail: messages.summary)
      }
      return nil
    }
    var linear: OGRGeometryH?
    if OGR_G_HasCurveGeometry(ogr, 1) != 0 {
      linear = OGR_G_GetLinearGeometry(ogr, 0, nil)
      if let linear { ogr = linear }
    }
    defer { if let linear { OGR_G_DestroyGeometry(linear) } }
    // GEOS 3.11 reads no M values: drop them (Z is kept).
    if OGR_G_IsMeasured(ogr) != 0 { OGR_G_SetMeasured(ogr, 0) }
    var bytes = [UInt8](repeating: 0, count: OGR_G_WkbSizeEx(ogr))
    guard OGR_G_ExportToIsoWkb(ogr, wkbNDR, &bytes) == OGRERR_NONE else {
      throw .unreadableGeometry(
        path: layer.path, layer: layer.name, feature: id, detail: "cannot export the geometry")
    }
    let geometry: Geometry
    do {
      geometry = try Geometry(wkb: bytes)
    } catch {
      throw .unreadableGeometry(
        path: layer.path, layer: layer.name, feature: id, detail: error.message)
    }
    guard geometry.hasFiniteCoordinates else {
      throw .nonFiniteCoordinates(path: layer.path, layer: layer.name, feature: id)
    }
    return geometry
  }
}
