import Foundation
import GeoCore

/// What `site init` proposes for a new site from its files: the ladder of grid
/// scales and the kind of each field. Only proposals: the manifest marks them
/// for review.
public enum SiteProposal {
  /// Round cell sizes in metres, each grid nesting in the coarser ones of the
  /// ladder it proposes (grids are aligned on multiples of the cell size).
  public static let cellSizes: [Double] = [
    10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000,
  ]

  /// The most cells the finest proposed grid may have: about 10^5 to 10^6 cells
  /// keep `analyze` within seconds and a few GB on a laptop.
  public static let finestCells = 1_000_000.0

  /// The grid ladder for units covering `extent` (in the working CRS, metres):
  /// the finest round size with at most `finestCells` cells over the extent, then
  /// the next coarser sizes, up to four scales, none with fewer than 20 cells.
  public static func ladder(for extent: Envelope) -> [Double] {
    let area = max(extent.width * extent.height, 1)
    let finest = cellSizes.firstIndex { area / ($0 * $0) <= finestCells } ?? (cellSizes.count - 1)
    var out: [Double] = []
    for size in cellSizes[finest...] where out.count < 4 {
      if !out.isEmpty && area / (size * size) < 20 { break }
      out.append(size)
    }
    return out
  }

  /// What a field probably is, from its name and type.
  public enum FieldGuess: Equatable, Sendable {
    /// Whole numbers: a count.
    case count
    /// Real numbers: a rate or a share.
    case rate
    /// Text: a category.
    case category
    /// An identifier, a code, a key or a coordinate: not a variable.
    case identifier
    /// A measure of the geometry itself (area, perimeter): not a variable.
    case measure
    /// Anything else (dates, lists).
    case other
  }

  /// The guess for a field called `name` of type `type`.
  public static func guess(name: String, type: FieldType) -> FieldGuess {
    if isIdentifier(name) { return .identifier }
    let measures: Set<String> = ["area", "perimeter", "shape_area", "shape_leng", "shape_length"]
    if measures.contains(name.lowercased()) { return .measure }
    switch type {
    case .integer, .integer64: return .count
    case .real: return .rate
    case .string: return .category
    default: return .other
    }
  }

  /// Identifiers, keys and coordinates by name: `ID`, `FIPS`, `GEOID`, `*_ID`,
  /// `ID_*`, `CD_*` (Brazilian codes), `*_CODE`, `*KEY`, `X`, `Y`, latitude and
  /// longitude (also cut to 8 letters by dBase), and ArcInfo's `NAME_` ids.
  static func isIdentifier(_ name: String) -> Bool {
    let lower = name.lowercased()
    if lower.hasSuffix("_") || lower.hasSuffix("key") { return true }
    if lower.hasPrefix("latitud") || lower.hasPrefix("longitud") { return true }
    let exact: Set<String> = [
      "id", "fid", "gid", "oid", "objectid", "ogc_fid", "key", "code", "fips", "fipsno", "geoid",
      "x", "y", "z", "lat", "lon", "lng", "long", "latitude", "longitude", "easting", "northing",
      "cod", "codigo", "insee", "zip", "uid",
    ]
    if exact.contains(lower) { return true }
    let prefixes = ["id_", "cd_", "cod_", "code_", "fips", "geoid", "objectid"]
    let suffixes = ["_id", "_code", "_cod", "_key", "_fips", "_x", "_y", "_lat", "_lon", "polyid"]
    return prefixes.contains { lower.hasPrefix($0) } || suffixes.contains { lower.hasSuffix($0) }
  }
}
