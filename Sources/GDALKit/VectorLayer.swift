internal import CGDAL
import GEOSKit
import GeoCore
import PROJKit

/// One layer of a `VectorDataset`, borrowed from it (the layer keeps its dataset open).
///
/// Not `Sendable`. Only one feature reader per layer may be active at a time:
/// starting a new one restarts reading from the first feature.
public final class VectorLayer {
  let dataset: VectorDataset
  let handle: OGRLayerH

  init(dataset: VectorDataset, handle: OGRLayerH) {
    self.dataset = dataset
    self.handle = handle
  }

  /// The layer's name.
  public var name: String { OGR_L_GetName(handle).map { String(cString: $0) } ?? "" }

  /// The path of the dataset the layer belongs to.
  public var path: String { dataset.path }

  /// The declared geometry type (`OGR_L_GetGeomType`), curves reported as their linear kind.
  public var geometryType: GeometryType { OGRGeometryKind(OGR_L_GetGeomType(handle)).type }

  /// Whether the declared geometry type carries Z.
  public var hasZ: Bool { OGR_GT_HasZ(OGR_L_GetGeomType(handle)) != 0 }

  /// The layer's CRS (`OGR_L_GetSpatialRef`), or `nil` when none is declared.
  public var crs: CRS? { SpatialReference.crs(from: OGR_L_GetSpatialRef(handle)) }

  /// The name of the geometry column in the data source (`geom` in a PostGIS
  /// table), `""` where the format has none.
  public var geometryColumn: String {
    OGR_L_GetGeometryColumn(handle).map { String(cString: $0) } ?? ""
  }

  /// The name of the column that holds the feature ids (a table's primary
  /// key), `""` where the format has none.
  public var idColumn: String { OGR_L_GetFIDColumn(handle).map { String(cString: $0) } ?? "" }

  /// The attribute fields in order (`OGR_L_GetLayerDefn`).
  public var fields: [Field] {
    let definition = OGR_L_GetLayerDefn(handle)
    return (0..<OGR_FD_GetFieldCount(definition)).map { index in
      let field = OGR_FD_GetFieldDefn(definition, index)
      return Field(
        name: OGR_Fld_GetNameRef(field).map { String(cString: $0) } ?? "",
        type: FieldKind.type(of: field),
        width: Int(OGR_Fld_GetWidth(field)), precision: Int(OGR_Fld_GetPrecision(field)))
    }
  }

  /// Whether the layer has no feature: from the stored count when the format
  /// keeps one, else by reading the first feature. Forcing a count would read
  /// the whole layer once more where the format stores none (GeoJSON lines:
  /// 2.2 s of the 6.2 s a load of 94,000 polygons into PostGIS took).
  /// GDAL's messages are kept from the terminal, and a first feature GDAL
  /// cannot read does not make the layer empty: the read that follows
  /// reports it, as one error.
  public var isEmpty: Bool {
    if let count = featureCount(force: false) { return count == 0 }
    let (first, messages) = withGDALMessages { () -> OGRFeatureH? in
      OGR_L_ResetReading(handle)
      defer { OGR_L_ResetReading(handle) }
      return OGR_L_GetNextFeature(handle)
    }
    guard let first else { return messages.errors.isEmpty }
    OGR_F_Destroy(first)
    return false
  }

  /// The number of features (`OGR_L_GetFeatureCount`); `force` counts by reading
  /// when the format does not store the count (GeoJSON, CSV), else `nil` is returned then.
  public func featureCount(force: Bool = true) -> Int? {
    let count = OGR_L_GetFeatureCount(handle, force ? 1 : 0)
    return count < 0 ? nil : Int(count)
  }

  /// The extent in the layer's CRS (`OGR_L_GetExtent`), `nil` when the layer is empty.
  public var extent: Envelope? {
    var box = OGREnvelope()
    guard OGR_L_GetExtent(handle, &box, 1) == OGRERR_NONE else { return nil }
    let envelope = Envelope(minX: box.MinX, minY: box.MinY, maxX: box.MaxX, maxY: box.MaxY)
    return envelope.isFinite ? envelope : nil
  }

  /// A summary of the layer, as `territory info` prints it.
  public var info: LayerInfo {
    LayerInfo(
      name: name, geometryType: geometryType, hasZ: hasZ, featureCount: featureCount(),
      crs: crs, extent: extent, fields: fields,
      geometryColumn: OGR_L_GetGeometryColumn(handle).map { String(cString: $0) } ?? "",
      fidColumn: OGR_L_GetFIDColumn(handle).map { String(cString: $0) } ?? "")
  }

  /// A reader that streams the features from the first, one at a time.
  public func makeReader() -> FeatureReader { FeatureReader(layer: self) }

  /// Calls `body` with every feature, streaming (memory does not grow with the
  /// layer), and checks at the end that every announced feature was read.
  /// - Throws: the reader's `GDALError`s (see `FeatureReader.next()`), or what `body` throws.
  public func forEachFeature(_ body: (Feature) throws -> Void) throws {
    let reader = makeReader()
    while let feature = try reader.next() { try body(feature) }
  }
}
