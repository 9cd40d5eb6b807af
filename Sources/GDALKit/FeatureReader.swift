internal import CGDAL
import GEOSKit
import GeoCore

/// Streams the features of a layer (`OGR_L_GetNextFeature`), checking what GDAL
/// lets through silently: geometries it could not decode (returned as null with a
/// warning), NaN or infinite coordinates, text that is not UTF-8, and layers
/// that end before the feature count they announce.
///
/// Reading is two steps: `fetch()` takes the next feature from GDAL, and a
/// `FeatureDecoder` turns it into a `Feature` (geometry read by GEOS, values
/// checked). `next()` does both; a copy does the second on another thread
/// (`makeDecoder()`), so that GDAL's reader is all the reading thread does.
///
/// Not `Sendable`; see `VectorLayer`.
public final class FeatureReader {
  private let layer: VectorLayer
  private let announced: Int?
  private let decoder: FeatureDecoder
  /// The number of features read so far.
  public private(set) var readCount = 0
  /// GDAL's warnings while reading, without repeats.
  public private(set) var warnings: [String] = []
  private var finished = false

  init(layer: VectorLayer) {
    self.layer = layer
    self.announced = layer.featureCount(force: false)
    decoder = FeatureDecoder(layer: layer)
    OGR_L_ResetReading(layer.handle)
    LayerReads.record(path: layer.path, layer: layer.name)
  }

  /// The number of features decoded by `next()` so far that have no geometry.
  public var nullGeometryCount: Int { decoder.nullGeometryCount }
  /// Polygon rings of fewer than 4 points dropped by `next()` so that GEOS
  /// could read the geometry (see `FeatureDecoder.droppedRings`).
  public var droppedRings: Int { decoder.droppedRings }
  /// The geometry types `next()` met so far (a layer that declares none, such
  /// as a CSV with a WKT column, is then described by what it holds).
  public var geometryTypes: Set<GeometryType> { decoder.geometryTypes }

  /// A decoder of this layer's features, with counters of its own, for
  /// decoding the features of `fetch()` on another thread.
  func makeDecoder() -> FeatureDecoder { FeatureDecoder(layer: layer) }

  /// The next feature, or `nil` after the last one.
  /// - Throws: `GDALError.readFailed` when GDAL reports an error,
  ///   `.unreadableGeometry`, `.nonFiniteCoordinates`, `.invalidText`, and
  ///   `.featureCountMismatch` at the end when fewer features came than announced.
  public func next() throws(GDALError) -> Feature? {
    guard let raw = try fetch() else { return nil }
    return try decoder.decode(raw)
  }

  /// The next feature as GDAL read it, or `nil` after the last one.
  /// - Throws: `GDALError.readFailed` when GDAL reports an error, and
  ///   `.featureCountMismatch` at the end when fewer features came than announced.
  func fetch() throws(GDALError) -> RawFeature? {
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
    let feature = RawFeature(handle: raw, warnings: messages.warnings)
    readCount += 1
    if !messages.errors.isEmpty {
      throw .readFailed(path: layer.path, layer: layer.name, detail: messages.summary)
    }
    return feature
  }
}

/// A feature as GDAL returned it, with the warnings GDAL gave while reading
/// it; destroyed with this object. It belongs to one thread at a time (a GDAL
/// feature may move between threads, not be shared by them).
final class RawFeature: @unchecked Sendable {
  let handle: OGRFeatureH
  let warnings: [String]

  init(handle: OGRFeatureH, warnings: [String]) {
    self.handle = handle
    self.warnings = warnings
  }

  deinit { OGR_F_Destroy(handle) }
}

/// Turns features read by GDAL into `Feature`s: the geometry read by GEOS
/// (curves made linear, M values dropped, rings too short to be read dropped
/// and counted), refused when undecodable or not finite; values checked for
/// UTF-8. Not `Sendable`: one thread at a time.
final class FeatureDecoder {
  private let path: String
  private let layerName: String
  private let fields: [Field]
  /// The number of features decoded so far that have no geometry.
  private(set) var nullGeometryCount = 0
  /// Polygon rings of fewer than 4 points dropped so that GEOS could read the
  /// geometry (broken OpenStreetMap multipolygons have them); a polygon whose
  /// exterior is such a ring is dropped with its holes.
  private(set) var droppedRings = 0
  /// The geometry types met so far.
  private(set) var geometryTypes: Set<GeometryType> = []

  init(layer: VectorLayer) {
    path = layer.path
    layerName = layer.name
    fields = layer.fields
  }

  /// The feature `raw` holds.
  /// - Throws: `GDALError.unreadableGeometry`, `.nonFiniteCoordinates`, `.invalidText`.
  func decode(_ raw: RawFeature) throws(GDALError) -> Feature {
    let id = OGR_F_GetFID(raw.handle)
    let geometry = try readGeometry(raw.handle, id: id, warnings: raw.warnings)
    if let geometry { geometryTypes.insert(geometry.type) } else { nullGeometryCount += 1 }
    var attributes: [FieldValue] = []
    attributes.reserveCapacity(fields.count)
    for (index, field) in fields.enumerated() {
      guard let value = FieldKind.value(of: raw.handle, at: Int32(index), type: field.type) else {
        throw .invalidText(path: path, layer: layerName, field: field.name, feature: id)
      }
      attributes.append(value)
    }
    return Feature(id: id, attributes: attributes, geometry: geometry)
  }

  private func readGeometry(_ raw: OGRFeatureH, id: Int64, warnings: [String])
    throws(GDALError) -> Geometry?
  {
    guard var ogr = OGR_F_GetGeometryRef(raw) else {
      // GDAL turns undecodable geometries (NaN tokens, bad WKT, corrupt blobs) into
      // null geometries with only a warning: that is an error here.
      if let warning = warnings.last {
        throw .unreadableGeometry(
          path: path, layer: layerName, feature: id,
          detail: warning.split(whereSeparator: \.isWhitespace).joined(separator: " "))
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
        path: path, layer: layerName, feature: id, detail: "cannot export the geometry")
    }
    let geometry: Geometry
    do {
      geometry = try Geometry(wkb: bytes)
    } catch {
      guard let (mended, dropped) = Self.withoutShortRings(ogr) else {
        throw .unreadableGeometry(
          path: path, layer: layerName, feature: id, detail: error.message)
      }
      geometry = mended
      droppedRings += dropped
    }
    guard geometry.hasFiniteCoordinates else {
      throw .nonFiniteCoordinates(path: path, layer: layerName, feature: id)
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
