internal import CGDAL
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
  /// Polygon rings of fewer than 4 points dropped so that GEOS could read the
  /// geometry (broken OpenStreetMap multipolygons have them); a polygon whose
  /// exterior is such a ring is dropped with its holes.
  public private(set) var droppedRings = 0
  /// The geometry types met so far (a layer that declares none, such as a CSV
  /// with a WKT column, is then described by what it holds).
  public private(set) var geometryTypes: Set<GeometryType> = []
  private var finished = false

  init(layer: VectorLayer) {
    self.layer = layer
    self.fields = layer.fields
    self.announced = layer.featureCount(force: false)
    OGR_L_ResetReading(layer.handle)
    LayerReads.record(path: layer.path, layer: layer.name)
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
      guard let (mended, dropped) = Self.withoutShortRings(ogr) else {
        throw .unreadableGeometry(
          path: layer.path, layer: layer.name, feature: id, detail: error.message)
      }
      geometry = mended
      droppedRings += dropped
    }
    guard geometry.hasFiniteCoordinates else {
      throw .nonFiniteCoordinates(path: layer.path, layer: layer.name, feature: id)
    }
    return geometry
  }

  /// A polygonal geometry without its rings of fewer than 4 points, read by GEOS,
  /// and how many rings were dropped; `nil` when there were none or GEOS still
  /// cannot read it.
  private static func withoutShortRings(_ ogr: OGRGeometryH) -> (Geometry, Int)? {
    let flat = OGR_GT_Flatten(OGR_G_GetGeometryType(ogr))
    guard flat == wkbPolygon || flat == wkbMultiPolygon, let copy = OGR_G_Clone(ogr) else {
      return nil
    }
    defer { OGR_G_DestroyGeometry(copy) }
    var dropped = 0
    func mend(_ polygon: OGRGeometryH) -> Bool {
      let rings = OGR_G_GetGeometryCount(polygon)
      for index in stride(from: rings - 1, through: 0, by: -1) {
        guard let ring = OGR_G_GetGeometryRef(polygon, index), OGR_G_GetPointCount(ring) < 4 else {
          continue
        }
        if index == 0 {
          dropped += Int(rings)
          return false
        }
        OGR_G_RemoveGeometry(polygon, index, 1)
        dropped += 1
      }
      return true
    }
    if flat == wkbPolygon {
      if !mend(copy) { OGR_G_Empty(copy) }
    } else {
      for index in stride(from: OGR_G_GetGeometryCount(copy) - 1, through: 0, by: -1) {
        if let part = OGR_G_GetGeometryRef(copy, index), !mend(part) {
          OGR_G_RemoveGeometry(copy, index, 1)
        }
      }
    }
    guard dropped > 0 else { return nil }
    var bytes = [UInt8](repeating: 0, count: OGR_G_WkbSizeEx(copy))
    guard OGR_G_ExportToIsoWkb(copy, wkbNDR, &bytes) == OGRERR_NONE,
      let geometry = try? Geometry(wkb: bytes)
    else { return nil }
    return (geometry, dropped)
  }
}
