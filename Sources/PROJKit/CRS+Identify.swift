internal import CPROJ
import GeoCore

extension CRS {
  /// A CRS of the EPSG registry that this one most likely is: for a file whose
  /// datum is "unknown", the registered CRSs PROJ finds with the same ellipsoid,
  /// projection and axes (`proj_identify`), kept when their area of use holds
  /// the data (`near`, in degrees), best confidence first, then the smallest
  /// area of use (the most local, e.g. SIRGAS 2000 before a world-wide frame).
  /// When PROJ identifies nothing for a geographic CRS, the registry's geographic
  /// CRSs on the same ellipsoid around the data are the candidates. This is a
  /// suggestion for the team to confirm, not a certainty.
  public struct Candidate: Sendable, Hashable {
    /// `EPSG:n`.
    public var code: String
    /// The CRS's name (`SIRGAS 2000`).
    public var name: String
    /// PROJ's confidence, 0 to 100.
    public var confidence: Int
  }

  /// Up to `limit` likely EPSG CRSs for data lying in `near` (longitude/latitude box).
  public func likelyMatches(near: Envelope, limit: Int = 3) -> [Candidate] {
    let context = PROJContext.current
    guard let object = proj_create(context.handle, wkt) else { return [] }
    defer { proj_destroy(object) }
    var source = object
    var bound: OpaquePointer?
    if proj_get_type(object) == PJ_TYPE_BOUND_CRS,
      let inner = proj_get_source_crs(context.handle, object)
    {
      bound = inner
      source = inner
    }
    defer { if let bound { proj_destroy(bound) } }
    var confidences: UnsafeMutablePointer<Int32>?
    guard let matches = proj_identify(context.handle, source, "EPSG", nil, &confidences) else {
      return []
    }
    defer {
      proj_list_destroy(matches)
      proj_int_list_destroy(confidences)
    }
    let centreX = (near.minX + near.maxX) / 2
    let centreY = (near.minY + near.maxY) / 2
    var found: [(Candidate, Double)] = []
    for index in 0..<proj_list_get_count(matches) {
      guard let match = proj_list_get(context.handle, matches, index) else { continue }
      defer { proj_destroy(match) }
      var west = 0.0
      var south = 0.0
      var east = 0.0
      var north = 0.0
      guard proj_get_area_of_use(context.handle, match, &west, &south, &east, &north, nil) == 1,
        west <= centreX, centreX <= east, south <= centreY, centreY <= north,
        let code = proj_get_id_code(match, 0)
      else { continue }
      let name = proj_get_name(match).map { String(cString: $0) } ?? "?"
      // Skip deprecated entries and frames meant for geodesy (ITRF, IGS, WGS 84 realisations).
      if name.contains("deprecated") || name.hasPrefix("ITRF") || name.hasPrefix("IGS")
        || name.contains("(G")
      {
        continue
      }
      let candidate = Candidate(
        code: "EPSG:" + String(cString: code), name: name,
        confidence: Int(confidences?[Int(index)] ?? 0))
      found.append((candidate, (east - west) * (north - south)))
    }
    if found.isEmpty, proj_get_type(source) == PJ_TYPE_GEOGRAPHIC_2D_CRS {
      found = geographicCandidates(
        sharingEllipsoidOf: source, around: (centreX, centreY), context: context)
    }
    // Best confidence; then the most recent datum named with a year (SIRGAS 2000
    // before SIRGAS 1995; specific realisations such as "SIRGAS-CON DGF00P01"
    // have none and come after); then the most local area of use.
    found.sort { a, b in
      if a.0.confidence != b.0.confidence { return a.0.confidence > b.0.confidence }
      let (yearA, yearB) = (Self.year(in: a.0.name) ?? 0, Self.year(in: b.0.name) ?? 0)
      if yearA != yearB { return yearA > yearB }
      return a.1 < b.1
    }
    var seen = Set<String>()
    return found.map(\.0).filter { seen.insert($0.code).inserted }.prefix(limit).map { $0 }
  }

  /// The registered geographic 2D CRSs whose area of use holds the point and whose
  /// ellipsoid is the same as `crs`'s (for a datum PROJ cannot identify).
  private func geographicCandidates(
    sharingEllipsoidOf crs: OpaquePointer, around point: (Double, Double), context: PROJContext
  ) -> [(Candidate, Double)] {
    guard let ours = Self.ellipsoid(of: crs, context: context),
      let parameters = proj_get_crs_list_parameters_create()
    else { return [] }
    defer { proj_get_crs_list_parameters_destroy(parameters) }
    var types = [PJ_TYPE_GEOGRAPHIC_2D_CRS]
    var count: Int32 = 0
    let list = types.withUnsafeMutableBufferPointer {
      buffer -> UnsafeMutablePointer<UnsafeMutablePointer<PROJ_CRS_INFO>?>? in
      parameters.pointee.types = UnsafePointer(buffer.baseAddress)
      parameters.pointee.typesCount = 1
      parameters.pointee.bbox_valid = 1
      parameters.pointee.crs_area_of_use_contains_bbox = 1
      parameters.pointee.west_lon_degree = point.0
      parameters.pointee.east_lon_degree = point.0
      parameters.pointee.south_lat_degree = point.1
      parameters.pointee.north_lat_degree = point.1
      parameters.pointee.allow_deprecated = 0
      return proj_get_crs_info_list_from_database(context.handle, "EPSG", parameters, &count)
    }
    guard let list else { return [] }
    defer { proj_crs_info_list_destroy(list) }
    var found: [(Candidate, Double)] = []
    for index in 0..<Int(count) {
      guard let info = list[index]?.pointee, let code = info.code else { continue }
      guard
        let candidate = proj_create_from_database(
          context.handle, "EPSG", code, PJ_CATEGORY_CRS, 0, nil)
      else {
        continue
      }
      defer { proj_destroy(candidate) }
      guard let theirs = Self.ellipsoid(of: candidate, context: context),
        abs(theirs.0 - ours.0) < 1e-3, abs(theirs.1 - ours.1) < 1e-6
      else { continue }
      let name = info.name.map { String(cString: $0) } ?? "?"
      let area =
        (info.east_lon_degree - info.west_lon_degree)
        * (info.north_lat_degree - info.south_lat_degree)
      // World-wide frames (ITRF, IGS, WGS 84 realisations) are not what a local file means.
      if area > 0.5 * 360 * 180 { continue }
      found.append(
        (Candidate(code: "EPSG:" + String(cString: code), name: name, confidence: 50), area))
    }
    return found
  }

  /// The year in a datum's name: `SIRGAS 2000` gives 2000, `RGF93` 1993, `ETRS89` 1989.
  static func year(in name: String) -> Int? {
    let digits = name.split(whereSeparator: { !$0.isNumber }).map(String.init)
    if let run = digits.last(where: { $0.count == 4 }), let value = Int(run),
      (1900...2100).contains(value)
    {
      return value
    }
    // A single word of capitals and two digits: RGF93, ETRS89, NAD83.
    let letters = name.dropLast(2)
    if name.count > 2, !letters.isEmpty, letters.allSatisfy({ $0.isUppercase && $0.isLetter }),
      let value = Int(name.suffix(2))
    {
      return value > 50 ? 1900 + value : 2000 + value
    }
    return nil
  }

  /// Semi-major axis and inverse flattening of a CRS's ellipsoid.
  private static func ellipsoid(of crs: OpaquePointer, context: PROJContext) -> (Double, Double)? {
    guard let ellipsoid = proj_get_ellipsoid(context.handle, crs) else { return nil }
    defer { proj_destroy(ellipsoid) }
    var major = 0.0
    var minor = 0.0
    var computed: Int32 = 0
    var inverse = 0.0
    guard
      proj_ellipsoid_get_parameters(context.handle, ellipsoid, &major, &minor, &computed, &inverse)
        == 1
    else {
      return nil
    }
    return (major, inverse)
  }
}

/// The PROJ library in use.
public enum PROJLibrary {
  /// PROJ's version (`9.1.1`).
  public static var version: String { String(cString: proj_info().version) }
}
