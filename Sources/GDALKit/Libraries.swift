internal import CGDAL

/// Versions of the C libraries and settings that make GDAL outputs reproducible.
public enum GDALLibrary {
  /// GDAL's release name (`3.6.2`).
  public static var version: String {
    _ = gdalRegistration
    return GDALVersionInfo("RELEASE_NAME").map { String(cString: $0) } ?? "?"
  }

  /// Makes GDAL write a fixed date where formats store one (GeoPackage's
  /// `last_change`), so that the same inputs give byte-identical files
  /// (`OGR_CURRENT_DATE`, process-wide).
  public static func useFixedTimestamps() {
    _ = gdalRegistration
    CPLSetConfigOption("OGR_CURRENT_DATE", "2000-01-01T00:00:00.000Z")
  }
}
