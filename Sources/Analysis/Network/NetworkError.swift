/// Why a street network cannot be built or used as asked; each case names the
/// file, profile, points or value and says what to do.
public enum NetworkError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The OSM file holds no way the profile may use (within the box, if any).
  case noWays(path: String, profile: String, box: Bool)
  /// The file is not a network written by `territory network`.
  case notANetwork(path: String, missing: String)
  /// Minutes that are not a number between 0 (excluded) and 240.
  case badMinutes(String)
  /// A speed that is not a positive number of km/h.
  case badSpeed(Double)
  /// A bounding box that does not parse.
  case badBox(String)
  /// Points too far from the network to be placed on it.
  case pointsOffNetwork(path: String, ids: [String], maxSnap: Double)
  /// The points layer holds no point.
  case noPoints(path: String)

  /// One line naming what is wrong and what to do.
  public var description: String {
    switch self {
    case .noWays(let path, let profile, let box):
      return
        "\(path) has no way that the \(profile) profile may use\(box ? " within --bbox" : ""); check the extract covers streets (highway=*)\(box ? " and the box is west,south,east,north in degrees" : ""), or pick another profile"
    case .notANetwork(let path, let missing):
      return
        "\(path) is not a street network of territory (it has no \(missing)); build one with 'territory network OSM_FILE --profile walk -o NETWORK.gpkg'"
    case .badMinutes(let value):
      return "minutes '\(value)' are not usable: give numbers above 0 and at most 240, e.g. 5,10,15"
    case .badSpeed(let value):
      return "--speed \(value) is not usable: give a positive speed in km/h, e.g. 4.8"
    case .badBox(let value):
      return
        "--bbox '\(value)' is not usable: give west,south,east,north in degrees, e.g. 24.93,60.16,24.96,60.18"
    case .pointsOffNetwork(let path, let ids, let maxSnap):
      let shown = ids.prefix(10).joined(separator: ", ") + (ids.count > 10 ? ", …" : "")
      return
        "\(ids.count) point\(ids.count == 1 ? "" : "s") of \(path) lie farther than \(Int(maxSnap)) m from the network (ids \(shown)); move them, extend the network, or raise --max-snap"
    case .noPoints(let path):
      return "\(path) holds no point with a geometry; nothing to reach from"
    }
  }
}
