/// How one way of travel uses the streets of OpenStreetMap: which ways it may
/// take, at what speed, and in which directions.
///
/// - `walk`: 4.8 km/h on every highway but motorways, their links, and trunk
///   roads without a sidewalk; one-ways ignored; footways, paths, steps,
///   pedestrian streets and tracks included; `foot=no` and `access=no`
///   (without `foot=yes`) excluded.
/// - `bike`: 15 km/h on roads, cycleways, paths and tracks (not motorways,
///   trunk roads, footways without `bicycle=yes`, nor steps); one-ways
///   respected unless `oneway:bicycle=no` or a contraflow cycleway
///   (`cycleway=opposite*`, `cycleway:left|right=opposite_lane|opposite_track`).
/// - `car`: a speed per road class, `maxspeed` (km/h, or `mph`) when tagged;
///   one-ways respected (`oneway=yes|1|true|-1`, `junction=roundabout`,
///   motorways); `access=no|private` and `motor_vehicle=no` excluded.
public enum StreetProfile: String, Sendable, CaseIterable {
  /// On foot.
  case walk
  /// By bicycle.
  case bike
  /// By car.
  case car

  /// The default speed in km/h (for `car`, of a road class without `maxspeed`:
  /// see `carSpeeds`).
  public var defaultSpeed: Double {
    switch self {
    case .walk: return 4.8
    case .bike: return 15
    case .car: return 50
    }
  }

  /// Car speeds per road class, km/h, when a way has no `maxspeed`.
  public static let carSpeeds: [String: Double] = [
    "motorway": 110, "motorway_link": 60, "trunk": 90, "trunk_link": 50, "primary": 65,
    "primary_link": 40, "secondary": 55, "secondary_link": 35, "tertiary": 45,
    "tertiary_link": 30, "unclassified": 35, "residential": 30, "living_street": 10,
    "service": 15, "road": 30, "track": 15,
  ]

  static let walkable: Set<String> = [
    "trunk", "trunk_link", "primary", "primary_link", "secondary", "secondary_link", "tertiary",
    "tertiary_link", "unclassified", "residential", "living_street", "service", "road",
    "pedestrian", "footway", "path", "steps", "track", "cycleway", "bridleway", "corridor",
    "crossing", "platform", "elevator",
  ]

  static let rideable: Set<String> = [
    "primary", "primary_link", "secondary", "secondary_link", "tertiary", "tertiary_link",
    "unclassified", "residential", "living_street", "service", "road", "cycleway", "path",
    "track",
  ]

  /// The speeds, in metres per second, at which a way with `tags` is travelled
  /// along its drawing direction and against it (`nil`: not allowed), with
  /// `speed` (km/h) in place of the profile's own when given.
  public func speeds(_ tags: [String: String], speed: Double? = nil) -> (
    forward: Double?, backward: Double?
  ) {
    guard let highway = tags["highway"] else { return (nil, nil) }
    let access = tags["access"]
    switch self {
    case .walk:
      let foot = tags["foot"]
      guard Self.walkable.contains(highway), foot != "no" else { return (nil, nil) }
      if access == "no" || access == "private", foot != "yes" && foot != "designated" {
        return (nil, nil)
      }
      if highway.hasPrefix("trunk"), !Self.hasSidewalk(tags), foot != "yes" {
        return (nil, nil)
      }
      let metresPerSecond = (speed ?? defaultSpeed) / 3.6
      return (metresPerSecond, metresPerSecond)
    case .bike:
      let bicycle = tags["bicycle"]
      let allowed =
        Self.rideable.contains(highway)
        || (["footway", "pedestrian", "bridleway"].contains(highway)
          && (bicycle == "yes" || bicycle == "designated"))
      guard allowed, bicycle != "no" else { return (nil, nil) }
      if access == "no" || access == "private", bicycle != "yes" && bicycle != "designated" {
        return (nil, nil)
      }
      let metresPerSecond = (speed ?? defaultSpeed) / 3.6
      let contraflow =
        tags["oneway:bicycle"] == "no" || (tags["cycleway"] ?? "").hasPrefix("opposite")
        || ["cycleway:left", "cycleway:right", "cycleway:both"].contains {
          (tags[$0] ?? "").hasPrefix("opposite")
        }
      return Self.directed(tags, highway: highway, speed: metresPerSecond, contraflow: contraflow)
    case .car:
      guard let classSpeed = Self.carSpeeds[highway] else { return (nil, nil) }
      if ["no", "private"].contains(access) || tags["motor_vehicle"] == "no"
        || tags["motorcar"] == "no"
      {
        return (nil, nil)
      }
      let kilometresPerHour = speed ?? Self.maxspeed(tags["maxspeed"]) ?? classSpeed
      return Self.directed(
        tags, highway: highway, speed: kilometresPerHour / 3.6, contraflow: false)
    }
  }

  /// Both directions, or the one a one-way allows (`oneway=-1`: against the drawing).
  private static func directed(
    _ tags: [String: String], highway: String, speed: Double, contraflow: Bool
  ) -> (forward: Double?, backward: Double?) {
    let oneway = tags["oneway"] ?? ""
    if oneway == "-1" || oneway == "reverse" {
      return (contraflow ? speed : nil, speed)
    }
    let isOneway =
      ["yes", "1", "true"].contains(oneway) || tags["junction"] == "roundabout"
      || (highway == "motorway" && oneway != "no")
    return isOneway ? (speed, contraflow ? speed : nil) : (speed, speed)
  }

  private static func hasSidewalk(_ tags: [String: String]) -> Bool {
    for key in ["sidewalk", "sidewalk:both", "sidewalk:left", "sidewalk:right"] {
      if let value = tags[key], !["no", "none", "separate"].contains(value) { return true }
    }
    return false
  }

  /// `maxspeed` in km/h: a number, or a number and `mph` (`nil`: absent or words).
  static func maxspeed(_ text: String?) -> Double? {
    guard let text else { return nil }
    let parts = text.split(separator: " ")
    guard let number = parts.first.flatMap({ Double($0) }), number > 0 else { return nil }
    return parts.count > 1 && parts[1] == "mph" ? number * 1.609_344 : number
  }
}

/// The tags of an OSM way as GDAL's OSM driver gives them: `highway` and the
/// other reported keys as fields, the rest in `other_tags`
/// (`"key"=>"value","key2"=>"value2"`).
enum OSMTags {
  /// Whether a way with `tags` is at ground level: no `tunnel` (a passage
  /// through a building at street level counts as ground), no `bridge`, and
  /// no `layer` other than 0.
  static func isAtGround(_ tags: [String: String]) -> Bool {
    if let tunnel = tags["tunnel"], tunnel != "no", tunnel != "building_passage" { return false }
    if let bridge = tags["bridge"], bridge != "no" { return false }
    if let layer = tags["layer"], Double(layer) != 0 { return false }
    return true
  }

  /// Parses `other_tags` into `tags`; quotes inside values are `\"`.
  static func parse(_ text: String, into tags: inout [String: String]) {
    var parts: [String] = []
    var current = ""
    var inQuotes = false
    var escaped = false
    for character in text {
      if escaped {
        current.append(character)
        escaped = false
      } else if character == "\\" {
        escaped = true
      } else if character == "\"" {
        if inQuotes { parts.append(current) }
        current = ""
        inQuotes.toggle()
      } else if inQuotes {
        current.append(character)
      }
    }
    var index = 0
    while index + 1 < parts.count {
      tags[parts[index]] = parts[index + 1]
      index += 2
    }
  }
}
