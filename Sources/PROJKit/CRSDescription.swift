internal import CPROJ
import GeoCore

/// What `CRS` reads from a PROJ object: name, code, kind, unit, datum and area.
struct CRSDescription {
  var name = "unnamed"
  var epsgCode: Int?
  var kind = CRS.Kind.other
  var axisUnit = "unknown"
  var datumName: String?
  var areaOfUse: CRS.AreaOfUse?

  init(_ object: PJObject) {
    let context = object.context.handle
    var crs = object
    // A BOUNDCRS wraps the real CRS with a datum shift to WGS 84: describe the wrapped one.
    if proj_get_type(object.handle) == PJ_TYPE_BOUND_CRS,
      let source = proj_get_source_crs(context, object.handle)
    {
      crs = PJObject(source, object.context)
    }
    let handle = crs.handle
    name = proj_get_name(handle).map { String(cString: $0) } ?? "unnamed"
    epsgCode = Self.epsgCode(of: crs)
    switch proj_get_type(handle) {
    case PJ_TYPE_GEOGRAPHIC_2D_CRS, PJ_TYPE_GEOGRAPHIC_3D_CRS: kind = .geographic
    case PJ_TYPE_PROJECTED_CRS: kind = .projected
    case PJ_TYPE_GEOCENTRIC_CRS: kind = .geocentric
    case PJ_TYPE_COMPOUND_CRS: kind = .compound
    case PJ_TYPE_VERTICAL_CRS: kind = .vertical
    case PJ_TYPE_ENGINEERING_CRS: kind = .engineering
    default: kind = .other
    }
    if kind == .compound, let horizontal = proj_crs_get_sub_crs(context, handle, 0) {
      defer { proj_destroy(horizontal) }
      switch proj_get_type(horizontal) {
      case PJ_TYPE_GEOGRAPHIC_2D_CRS, PJ_TYPE_GEOGRAPHIC_3D_CRS: kind = .geographic
      case PJ_TYPE_PROJECTED_CRS: kind = .projected
      default: break
      }
    }
    axisUnit = Self.firstAxisUnit(of: crs) ?? "unknown"
    if let datum = proj_crs_get_datum_forced(context, handle) {
      defer { proj_destroy(datum) }
      datumName = proj_get_name(datum).map { String(cString: $0) }
    }
    var west = 0.0
    var south = 0.0
    var east = 0.0
    var north = 0.0
    var areaName: UnsafePointer<CChar>?
    if proj_get_area_of_use(context, object.handle, &west, &south, &east, &north, &areaName) == 1,
      west > -1000
    {
      areaOfUse = CRS.AreaOfUse(
        name: areaName.map { String(cString: $0) } ?? "",
        bounds: Envelope(minX: west, minY: south, maxX: east, maxY: north))
    }
  }

  /// The EPSG code carried by the object, else one PROJ identifies with confidence 100.
  private static func epsgCode(of crs: PJObject) -> Int? {
    if let authority = proj_get_id_auth_name(crs.handle, 0), String(cString: authority) == "EPSG",
      let code = proj_get_id_code(crs.handle, 0)
    {
      return Int(String(cString: code))
    }
    var confidences: UnsafeMutablePointer<Int32>?
    guard let matches = proj_identify(crs.context.handle, crs.handle, "EPSG", nil, &confidences)
    else { return nil }
    defer {
      proj_list_destroy(matches)
      proj_int_list_destroy(confidences)
    }
    for index in 0..<proj_list_get_count(matches) where confidences?[Int(index)] == 100 {
      guard let match = proj_list_get(crs.context.handle, matches, index) else { continue }
      defer { proj_destroy(match) }
      if let code = proj_get_id_code(match, 0) { return Int(String(cString: code)) }
    }
    return nil
  }

  private static func firstAxisUnit(of crs: PJObject) -> String? {
    let context = crs.context.handle
    var horizontal = crs.handle
    var subCRS: OpaquePointer?
    if proj_get_type(horizontal) == PJ_TYPE_COMPOUND_CRS {
      subCRS = proj_crs_get_sub_crs(context, horizontal, 0)
      if let subCRS { horizontal = subCRS }
    }
    defer { if let subCRS { proj_destroy(subCRS) } }
    guard let system = proj_crs_get_coordinate_system(context, horizontal) else { return nil }
    defer { proj_destroy(system) }
    var unitName: UnsafePointer<CChar>?
    guard
      proj_cs_get_axis_info(context, system, 0, nil, nil, nil, nil, &unitName, nil, nil) == 1
    else { return nil }
    return unitName.map { String(cString: $0) }
  }
}
