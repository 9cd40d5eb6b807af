internal import CGDAL
import PROJKit

/// Conversions between GDAL's `OGRSpatialReferenceH` and PROJKit's `CRS`.
enum SpatialReference {
  /// The CRS of a GDAL spatial reference, through WKT2 (`OSRExportToWktEx`);
  /// `nil` when the reference is absent or PROJ cannot read it back.
  static func crs(from reference: OGRSpatialReferenceH?) -> CRS? {
    guard let reference else { return nil }
    var text: UnsafeMutablePointer<CChar>?
    let status = withOptionList(["FORMAT=WKT2_2019"]) { options in
      OSRExportToWktEx(reference, &text, constOptions(options))
    }
    defer { VSIFree(text) }
    guard status == OGRERR_NONE, let text else { return nil }
    return try? CRS(String(cString: text))
  }

  /// A new GDAL spatial reference for `crs`, with x = longitude / easting
  /// (`OAMS_TRADITIONAL_GIS_ORDER`), to be released with `OSRRelease`.
  static func make(_ crs: CRS) -> OGRSpatialReferenceH? {
    guard let reference = OSRNewSpatialReference(nil) else { return nil }
    let input = crs.epsgCode.map { "EPSG:\($0)" } ?? crs.wkt
    guard OSRSetFromUserInput(reference, input) == OGRERR_NONE else {
      OSRRelease(reference)
      return nil
    }
    OSRSetAxisMappingStrategy(reference, OAMS_TRADITIONAL_GIS_ORDER)
    return reference
  }
}
