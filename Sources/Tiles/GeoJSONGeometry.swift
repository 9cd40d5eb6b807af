import GDALKit
import GEOSKit
import GeoCore
import PROJKit

/// A geometry as plain coordinates, keeping its GeoJSON type: what the GeoJSON
/// export transforms in bulk and writes as text, without GEOS in between.
enum GeoShape {
  case point(SIMD2<Double>)
  case lineString([SIMD2<Double>])
  case polygon([[SIMD2<Double>]])
  case multiPoint([SIMD2<Double>])
  case multiLineString([[SIMD2<Double>]])
  case multiPolygon([[[SIMD2<Double>]]])
  case collection([GeoShape])

  /// The coordinates of a GEOS geometry; `nil` when it is empty.
  init?(_ geometry: Geometry) {
    guard !geometry.isEmpty else { return nil }
    switch geometry.type {
    case .point: self = .point(geometry.pointList()[0])
    case .lineString: self = .lineString(geometry.lineStrings()[0])
    case .polygon: self = .polygon(geometry.polygonRings()[0])
    case .multiPoint: self = .multiPoint(geometry.pointList())
    case .multiLineString: self = .multiLineString(geometry.lineStrings())
    case .multiPolygon: self = .multiPolygon(geometry.polygonRings())
    default: self = .collection(geometry.parts.compactMap(GeoShape.init))
    }
  }

  /// The shapes of `geometries` in longitude/latitude degrees: every coordinate
  /// projected by `transformer` (when given) in one PROJ call, checked to lie on
  /// the globe, and the shapes that cross the antimeridian cut (`Antimeridian`).
  /// - Throws: `OutsideGlobe` with the index of the first geometry that has a
  ///   longitude beyond ±180° or a latitude beyond ±90°; `GEOSError`, `PROJError`.
  static func lonLat(_ geometries: [Geometry?], _ transformer: Transformer?) throws -> [GeoShape?] {
    try lonLat(shapes: geometries.map { $0.flatMap(GeoShape.init) }, transformer)
  }

  /// `lonLat(_:_:)` of shapes already read from their geometries.
  static func lonLat(shapes: [GeoShape?], _ transformer: Transformer?) throws -> [GeoShape?] {
    var shapes = shapes
    if let transformer {
      var xs: [Double] = []
      var ys: [Double] = []
      for shape in shapes {
        shape?.visitCoordinates {
          xs.append($0.x)
          ys.append($0.y)
        }
      }
      try transformer.transform(xs: &xs, ys: &ys)
      var position = 0
      shapes = shapes.map { shape in
        shape?.map { _ in
          defer { position += 1 }
          return SIMD2(xs[position], ys[position])
        }
      }
    }
    for index in shapes.indices {
      guard let shape = shapes[index] else { continue }
      var outside: SIMD2<Double>?
      let onGlobe = shape.map { point in
        // Projections may land a hair beyond ±180° or ±90°: that is the edge.
        let slack = 1e-9
        if outside == nil, abs(point.x) > 180 + slack || abs(point.y) > 90 + slack {
          outside = point
        }
        return SIMD2(min(180, max(-180, point.x)), min(90, max(-90, point.y)))
      }
      if let outside { throw OutsideGlobe(index: index, coordinate: outside) }
      shapes[index] = try Antimeridian.cut(onGlobe)
    }
    return shapes
  }

  /// The polygons, lines and points of the shape, whatever its type.
  var parts: (polygons: [[[SIMD2<Double>]]], lines: [[SIMD2<Double>]], points: [SIMD2<Double>]) {
    switch self {
    case .point(let p): return ([], [], [p])
    case .multiPoint(let points): return ([], [], points)
    case .lineString(let line): return ([], [line], [])
    case .multiLineString(let lines): return ([], lines, [])
    case .polygon(let rings): return ([rings], [], [])
    case .multiPolygon(let polygons): return (polygons, [], [])
    case .collection(let shapes):
      return shapes.map(\.parts).reduce(([], [], [])) { ($0.0 + $1.0, $0.1 + $1.1, $0.2 + $1.2) }
    }
  }

  /// Every coordinate through `body`, in order.
  func map(_ body: (SIMD2<Double>) -> SIMD2<Double>) -> GeoShape {
    switch self {
    case .point(let p): return .point(body(p))
    case .lineString(let line): return .lineString(line.map(body))
    case .polygon(let rings): return .polygon(rings.map { $0.map(body) })
    case .multiPoint(let points): return .multiPoint(points.map(body))
    case .multiLineString(let lines): return .multiLineString(lines.map { $0.map(body) })
    case .multiPolygon(let polygons): return .multiPolygon(polygons.map { $0.map { $0.map(body) } })
    case .collection(let parts): return .collection(parts.map { $0.map(body) })
    }
  }

  /// Calls `body` with each coordinate, in the order `map` visits them.
  func visitCoordinates(_ body: (SIMD2<Double>) -> Void) {
    _ = map { point in
      body(point)
      return point
    }
  }

  /// The box as RFC 7946 section 5.2 wants it: for a geometry cut at the
  /// antimeridian (one part ends at 180°, another at -180°, none touches both),
  /// the box runs east across it, written with west > east; here its east edge
  /// is kept beyond 180 (`GeoJSONWriter` writes it minus 360).
  var boundingBox: Envelope {
    var parts: [[SIMD2<Double>]] = []
    func collect(_ shape: GeoShape) {
      switch shape {
      case .point(let p): parts.append([p])
      case .multiPoint(let points): parts += points.map { [$0] }
      case .lineString(let line): parts.append(line)
      case .multiLineString(let lines): parts += lines
      case .polygon(let rings): parts += rings
      case .multiPolygon(let polygons): parts += polygons.flatMap { $0 }
      case .collection(let shapes): shapes.forEach(collect)
      }
    }
    collect(self)
    let east = parts.map { $0.contains { $0.x == 180 } }
    let west = parts.map { $0.contains { $0.x == -180 } }
    let split =
      east.contains(true) && west.contains(true) && !zip(east, west).contains { $0 && $1 }
    guard split else { return envelope }
    var box = Envelope.empty
    for part in parts {
      for p in part { box.expand(x: p.x < 0 ? p.x + 360 : p.x, y: p.y) }
    }
    return box
  }

  /// The box of every coordinate.
  var envelope: Envelope {
    var box = Envelope.empty
    visitCoordinates { box.expand(x: $0.x, y: $0.y) }
    return box
  }
}

/// A coordinate that is not on the globe (longitude beyond ±180°, latitude
/// beyond ±90°): RFC 7946 has no place for it.
struct OutsideGlobe: Error {
  /// The index of the geometry in the batch.
  let index: Int
  /// The coordinate, in degrees.
  let coordinate: SIMD2<Double>
}

/// GeoJSON geometry text with RFC 7946 ring orientation, written as bytes.
enum GeoJSONGeometry {
  /// Appends the geometry object of `shape` to `out`.
  static func append(_ shape: GeoShape, decimals: Int, to out: inout [UInt8]) {
    func position(_ p: SIMD2<Double>) {
      out.append(UInt8(ascii: "["))
      JSONText.appendNumber(p.x, decimals: decimals, to: &out)
      out.append(UInt8(ascii: ","))
      JSONText.appendNumber(p.y, decimals: decimals, to: &out)
      out.append(UInt8(ascii: "]"))
    }
    func list<T>(_ items: [T], _ body: (T) -> Void) {
      out.append(UInt8(ascii: "["))
      for (index, item) in items.enumerated() {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        body(item)
      }
      out.append(UInt8(ascii: "]"))
    }
    func line(_ points: [SIMD2<Double>]) { list(points, position) }
    func polygon(_ rings: [[SIMD2<Double>]]) {
      // Exterior counter-clockwise, holes clockwise (RFC 7946 section 3.1.6).
      list(Array(rings.enumerated())) { index, ring in
        line((index == 0) == (RingArea.signed(ring) < 0) ? ring.reversed() : ring)
      }
    }
    func head(_ type: String, _ member: String = "coordinates") {
      out.append(contentsOf: "{\"type\":\"\(type)\",\"\(member)\":".utf8)
    }
    switch shape {
    case .point(let p):
      head("Point")
      position(p)
    case .lineString(let points):
      head("LineString")
      line(points)
    case .polygon(let rings):
      head("Polygon")
      polygon(rings)
    case .multiPoint(let points):
      head("MultiPoint")
      line(points)
    case .multiLineString(let lines):
      head("MultiLineString")
      list(lines, line)
    case .multiPolygon(let polygons):
      head("MultiPolygon")
      list(polygons, polygon)
    case .collection(let parts):
      head("GeometryCollection", "geometries")
      list(parts) { append($0, decimals: decimals, to: &out) }
    }
    out.append(UInt8(ascii: "}"))
  }
}

/// JSON text for names and values.
enum JSONText {
  static func string(_ text: String) -> String {
    var bytes: [UInt8] = []
    appendString(text, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
  }

  private static let hexDigits = Array("0123456789abcdef".utf8)

  /// Appends `text` as a JSON string: quotes, backslashes and control characters
  /// escaped, everything else as its UTF-8 bytes (bytes of multi-byte characters
  /// are all 0x80 or more, so they never need escaping).
  static func appendString(_ text: String, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    let backslash = UInt8(ascii: "\\")
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\""), backslash:
        out.append(backslash)
        out.append(byte)
      case UInt8(ascii: "\n"):
        out.append(backslash)
        out.append(UInt8(ascii: "n"))
      case UInt8(ascii: "\r"):
        out.append(backslash)
        out.append(UInt8(ascii: "r"))
      case UInt8(ascii: "\t"):
        out.append(backslash)
        out.append(UInt8(ascii: "t"))
      case ..<0x20:
        out.append(contentsOf: "\\u00".utf8)
        out.append(hexDigits[Int(byte >> 4)])
        out.append(hexDigits[Int(byte & 0xF)])
      default: out.append(byte)
      }
    }
    out.append(UInt8(ascii: "\""))
  }

  /// A fixed number of decimals, trailing zeros trimmed (`-34.864063`, `12`).
  static func number(_ value: Double, decimals: Int) -> String {
    var bytes: [UInt8] = []
    appendNumber(value, decimals: decimals, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
  }

  private static let powers: [Double] = (0...15).map { pow10($0) }

  private static func pow10(_ n: Int) -> Double { (0..<n).reduce(1.0) { value, _ in value * 10 } }

  /// Appends `value` rounded to `decimals` places, trailing zeros trimmed, `null`
  /// when not finite. Written digit by digit from an integer: formatting numbers
  /// through `String(format:)` took half the time of a GeoJSON export.
  static func appendNumber(_ value: Double, decimals: Int, to out: inout [UInt8]) {
    guard value.isFinite else {
      out.append(contentsOf: "null".utf8)
      return
    }
    let scale = powers[min(max(decimals, 0), 15)]
    let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
    guard scaled < 9e15 else {
      out.append(contentsOf: String(value).utf8)
      return
    }
    var units = UInt64(scaled)
    if units == 0 {
      out.append(UInt8(ascii: "0"))
      return
    }
    if value < 0 { out.append(UInt8(ascii: "-")) }
    var digits = decimals
    while digits > 0 && units % 10 == 0 {
      units /= 10
      digits -= 1
    }
    // The digits from the last, in a buffer on the stack, then appended at once.
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { text in
      var position = 24
      var written = 0
      repeat {
        if written == digits && digits > 0 {
          position -= 1
          text[position] = UInt8(ascii: ".")
        }
        position -= 1
        text[position] = UInt8(ascii: "0") + UInt8(units % 10)
        units /= 10
        written += 1
      } while units > 0 || written <= digits
      out.append(contentsOf: UnsafeBufferPointer(rebasing: text[position...]))
    }
  }

  /// A property value with its JSON type: integers stay integers, null stays null.
  static func value(_ value: FieldValue) -> String {
    var bytes: [UInt8] = []
    appendValue(value, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Appends `value` as `value(_:)` writes it.
  static func appendValue(_ value: FieldValue, to out: inout [UInt8]) {
    switch value {
    case .null: out.append(contentsOf: "null".utf8)
    case .integer(let v): DecimalText.appendInteger(v, to: &out)
    case .real(let v):
      if !v.isFinite {
        out.append(contentsOf: "null".utf8)
      } else if v == v.rounded() && abs(v) < 1e15 {
        DecimalText.appendInteger(Int64(v), to: &out)
        out.append(contentsOf: ".0".utf8)
      } else {
        DecimalText.appendShortest(v, to: &out)
      }
    case .boolean(let v): out.append(contentsOf: (v ? "true" : "false").utf8)
    case .string(let v), .date(let v), .time(let v), .dateTime(let v): appendString(v, to: &out)
    case .integerList(let v):
      out.append(contentsOf: ("[" + v.map(String.init).joined(separator: ",") + "]").utf8)
    case .realList(let v):
      out.append(
        contentsOf: ("[" + v.map { $0.isFinite ? $0.description : "null" }.joined(separator: ",")
          + "]").utf8)
    case .stringList(let v):
      out.append(UInt8(ascii: "["))
      for (index, text) in v.enumerated() {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        appendString(text, to: &out)
      }
      out.append(UInt8(ascii: "]"))
    case .binary: appendString(value.description, to: &out)
    }
  }
}
