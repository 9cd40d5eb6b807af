import GEOSKit
import GeoCore

/// GeoJSON geometry text with RFC 7946 ring orientation.
enum GeoJSONGeometry {
  static func text(_ geometry: Geometry, decimals: Int) -> String {
    func position(_ p: SIMD2<Double>) -> String {
      "[" + JSONText.number(p.x, decimals: decimals) + ","
        + JSONText.number(p.y, decimals: decimals) + "]"
    }
    func line(_ points: [SIMD2<Double>]) -> String {
      "[" + points.map(position).joined(separator: ",") + "]"
    }
    func polygon(_ rings: [[SIMD2<Double>]]) -> String {
      // Exterior counter-clockwise, holes clockwise (RFC 7946 section 3.1.6).
      let oriented = rings.enumerated().map { index, ring -> [SIMD2<Double>] in
        let area = RingArea.signed(ring)
        return (index == 0) == (area < 0) ? ring.reversed() : ring
      }
      return "[" + oriented.map(line).joined(separator: ",") + "]"
    }
    func coordinates(_ part: Geometry) -> [SIMD2<Double>] {
      var points: [SIMD2<Double>] = []
      part.forEachCoordinate { x, y in points.append(SIMD2(x, y)) }
      return points
    }
    switch geometry.type {
    case .point:
      return "{\"type\":\"Point\",\"coordinates\":" + position(coordinates(geometry)[0]) + "}"
    case .lineString:
      return "{\"type\":\"LineString\",\"coordinates\":" + line(coordinates(geometry)) + "}"
    case .polygon:
      return "{\"type\":\"Polygon\",\"coordinates\":" + polygon(geometry.polygonRings()[0]) + "}"
    case .multiPoint:
      return "{\"type\":\"MultiPoint\",\"coordinates\":" + line(coordinates(geometry)) + "}"
    case .multiLineString:
      return "{\"type\":\"MultiLineString\",\"coordinates\":["
        + geometry.parts.map { line(coordinates($0)) }.joined(separator: ",") + "]}"
    case .multiPolygon:
      return "{\"type\":\"MultiPolygon\",\"coordinates\":["
        + geometry.polygonRings().map(polygon).joined(separator: ",") + "]}"
    default:
      return "{\"type\":\"GeometryCollection\",\"geometries\":["
        + geometry.parts.map { text($0, decimals: decimals) }.joined(separator: ",") + "]}"
    }
  }
}

/// JSON text for names and values.
enum JSONText {
  static func string(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case let c where c.value < 0x20: out += String(format: "\\u%04x", c.value)
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }

  /// A fixed number of decimals, trailing zeros trimmed (`-34.864063`, `12`).
  static func number(_ value: Double, decimals: Int) -> String {
    guard value.isFinite else { return "null" }
    var text = String(format: "%.\(decimals)f", value)
    if text.contains(".") {
      while text.hasSuffix("0") { text.removeLast() }
      if text.hasSuffix(".") { text.removeLast() }
    }
    return text == "-0" ? "0" : text
  }

  /// A property value with its JSON type: integers stay integers, null stays null.
  static func value(_ value: FieldValue) -> String {
    switch value {
    case .null: return "null"
    case .integer(let v): return String(v)
    case .real(let v):
      return v.isFinite
        ? (v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) + ".0" : v.description) : "null"
    case .boolean(let v): return v ? "true" : "false"
    case .string(let v), .date(let v), .time(let v), .dateTime(let v): return string(v)
    case .integerList(let v): return "[" + v.map(String.init).joined(separator: ",") + "]"
    case .realList(let v):
      return "[" + v.map { $0.isFinite ? $0.description : "null" }.joined(separator: ",") + "]"
    case .stringList(let v): return "[" + v.map(string).joined(separator: ",") + "]"
    case .binary: return string(value.description)
    }
  }
}
