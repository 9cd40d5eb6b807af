import Foundation
import GEOSKit
import GeoCore

/// What rounding coordinates to the output's decimals did to one shape.
struct RoundingOutcome: Sendable, Equatable {
  /// Rings (holes, or whole polygons whose exterior went) that rounding left
  /// with fewer than 4 positions or no area, and that were dropped.
  var droppedRings = 0
  /// Whether rounding made a polygon cross or touch itself, or its parts
  /// overlap, and it was snap-rounded (GEOS) to a valid one on the same grid.
  var snapped = false
  /// Whether nothing of the geometry was left (written as null).
  var vanished = false
}

/// Coordinates rounded the way the GeoJSON text writes them, before they are
/// written, so that the written geometry is checked rather than hoped for:
/// RFC 7946 wants rings of at least 4 positions, and a polygon whose edges pass
/// within a centimetre of each other (the slivers of a dissolve, a digitised
/// spike) can cross itself once rounded to 7 decimals.
///
/// Each ring is rounded and repeated positions removed; a ring left with fewer
/// than 4 positions or no area is dropped (a polygon with it, when it is the
/// exterior). A polygon that was valid before rounding and is not after is
/// snap-rounded by GEOS on the same grid, which keeps it valid.
enum GeoJSONRounding {
  /// `value` rounded as `JSONText.appendNumber` writes it.
  static func round(_ value: Double, scale: Double) -> Double {
    let units = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
    return (value < 0 ? -units : units) / scale
  }

  /// The shape as it will be written with `decimals`, and what rounding did.
  /// - Parameter wasValid: whether the unrounded shape is valid (polygons found
  ///   invalid in the source are reported as such, not mended here).
  static func rounded(_ shape: GeoShape, decimals: Int, wasValid: Bool) -> (
    GeoShape?, RoundingOutcome
  ) {
    let scale = pow(10, Double(min(max(decimals, 0), 15)))
    var outcome = RoundingOutcome()
    let grid = shape.map { SIMD2(round($0.x, scale: scale), round($0.y, scale: scale)) }
    let result = cleaned(grid, scale: scale, &outcome)
    guard let result else {
      outcome.vanished = true
      return (nil, outcome)
    }
    switch result {
    case .polygon, .multiPolygon: break
    default: return (result, outcome)
    }
    guard wasValid, !isValid(result.parts.polygons, scale: scale) else {
      return (result, outcome)
    }
    // Rounding folded a ring: snap-round the original on the output's grid.
    outcome.snapped = true
    guard let geometry = try? geometry(of: shape),
      let snapped = try? geometry.snapped(toGrid: 1 / scale), !snapped.isEmpty,
      let repaired = GeoShape(snapped)
    else {
      outcome.vanished = true
      return (nil, outcome)
    }
    let again = repaired.map { SIMD2(round($0.x, scale: scale), round($0.y, scale: scale)) }
    return (cleaned(again, scale: scale, &outcome), outcome)
  }

  /// The shape without repeated positions and without degenerate rings (fewer
  /// than 4 positions, or less area than one square of the output's grid, whose
  /// winding no reader can tell in floating point); `nil` when nothing is left.
  private static func cleaned(_ shape: GeoShape, scale: Double, _ outcome: inout RoundingOutcome)
    -> GeoShape?
  {
    func line(_ points: [SIMD2<Double>]) -> [SIMD2<Double>]? {
      var out: [SIMD2<Double>] = []
      out.reserveCapacity(points.count)
      for point in points where point != out.last { out.append(point) }
      return out.count >= 2 ? out : nil
    }
    func ring(_ points: [SIMD2<Double>]) -> [SIMD2<Double>]? {
      guard var out = line(points) else { return nil }
      if out.first != out.last { out.append(out[0]) }
      guard out.count >= 4, abs(doubledGridArea(out, scale: scale)) >= 2 else { return nil }
      return out
    }
    func polygon(_ rings: [[SIMD2<Double>]]) -> [[SIMD2<Double>]]? {
      guard let first = rings.first, let exterior = ring(first) else {
        outcome.droppedRings += rings.count
        return nil
      }
      var kept = [exterior]
      for hole in rings.dropFirst() {
        if let hole = ring(hole) { kept.append(hole) } else { outcome.droppedRings += 1 }
      }
      return kept
    }
    switch shape {
    case .point, .multiPoint:
      return shape
    case .lineString(let points):
      return line(points).map { .lineString($0) }
    case .multiLineString(let lines):
      let kept = lines.compactMap(line)
      return kept.isEmpty ? nil : .multiLineString(kept)
    case .polygon(let rings):
      return polygon(rings).map { .polygon($0) }
    case .multiPolygon(let polygons):
      let kept = polygons.compactMap(polygon)
      return kept.isEmpty ? nil : .multiPolygon(kept)
    case .collection(let parts):
      let kept = parts.compactMap { cleaned($0, scale: scale, &outcome) }
      return kept.isEmpty ? nil : .collection(kept)
    }
  }

  /// Twice the area of a closed ring on the grid, in grid squares, computed from
  /// its first point (exact for rings of up to about 10 km at 7 decimals).
  static func doubledGridArea(_ ring: [SIMD2<Double>], scale: Double) -> Double {
    let origin = ring[0]
    var sum = 0.0
    var previous = SIMD2<Double>.zero
    for point in ring.dropFirst() {
      let here = ((point - origin) * scale).rounded(.toNearestOrAwayFromZero)
      sum += previous.x * here.y - here.x * previous.y
      previous = here
    }
    return sum
  }

  /// Whether the polygons, as written, form a valid (multi)polygon: a single
  /// small ring proved simple in integers (`certainlySimple`), else GEOS.
  private static func isValid(_ polygons: [[[SIMD2<Double>]]], scale: Double) -> Bool {
    if polygons.count == 1, polygons[0].count == 1,
      certainlySimple(polygons[0][0], scale: scale)
    {
      return true
    }
    guard let geometry = try? multiPolygon(polygons) else { return false }
    return geometry.isValid
  }

  /// Whether a closed ring of at most 64 segments on the output's grid (`scale`
  /// grid steps a unit) is certainly a valid polygon shell as GEOS would judge its
  /// coordinates: no two segments that do not follow each other meet, and it has
  /// an area. `false` means "not proved", not "invalid".
  ///
  /// Worked in integers (grid steps from the first point), each test with a
  /// margin for the distance between a written coordinate and its grid point, so
  /// that a sign proved here is the sign GEOS's exact predicates find. Most
  /// features are cells or small polygons: asking GEOS for each (a polygon built,
  /// noded and checked) was about 8% of writing 105,000 grid cells as GeoJSON.
  static func certainlySimple(_ ring: [SIMD2<Double>], scale: Double) -> Bool {
    let n = ring.count - 1
    guard n >= 3, n <= 64, ring[0] == ring[n] else { return false }
    let limit = Double(1 << 26)
    var points: [SIMD2<Int64>] = []
    points.reserveCapacity(ring.count)
    var largest = 0.0
    var span: Int64 = 0
    for point in ring {
      largest = max(largest, abs(point.x), abs(point.y))
      let offset = ((point - ring[0]) * scale).rounded(.toNearestOrAwayFromZero)
      guard abs(offset.x) <= limit, abs(offset.y) <= limit else { return false }
      let q = SIMD2(Int64(offset.x), Int64(offset.y))
      span = max(span, abs(q.x), abs(q.y))
      points.append(q)
    }
    // A written coordinate is within half a unit in the last place of its grid
    // point; in grid steps, at most `error`. A cross product of differences of
    // up to 2·span steps moves by at most 16·error·span + 8·error².
    let error = largest * scale * 0x1p-52
    guard error < 0.01 else { return false }
    let margin = Int64((16 * error * Double(span) + 8 * error * error).rounded(.up)) + 1
    func cross(_ a: SIMD2<Int64>, _ b: SIMD2<Int64>, _ c: SIMD2<Int64>) -> Int64 {
      (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)
    }
    var area: Int64 = 0
    for k in 0..<n { area += points[k].x * points[k + 1].y - points[k + 1].x * points[k].y }
    guard abs(area) > margin else { return false }
    for i in 0..<n {
      let a = points[i]
      let b = points[i + 1]
      for j in stride(from: i + 2, to: n, by: 1) where !(i == 0 && j == n - 1) {
        let c = points[j]
        let d = points[j + 1]
        // Boxes a grid step apart or more cannot meet.
        if max(a.x, b.x) < min(c.x, d.x) || max(c.x, d.x) < min(a.x, b.x)
          || max(a.y, b.y) < min(c.y, d.y) || max(c.y, d.y) < min(a.y, b.y)
        {
          continue
        }
        let d1 = cross(a, b, c)
        let d2 = cross(a, b, d)
        if (d1 > margin && d2 > margin) || (d1 < -margin && d2 < -margin) { continue }
        let d3 = cross(c, d, a)
        let d4 = cross(c, d, b)
        if (d3 > margin && d4 > margin) || (d3 < -margin && d4 < -margin) { continue }
        return false
      }
    }
    return true
  }

  private static func multiPolygon(_ polygons: [[[SIMD2<Double>]]]) throws -> Geometry {
    if polygons.count == 1 { return try Geometry.polygon(rings: polygons[0]) }
    return try Geometry.collection(.multiPolygon, of: polygons.map(Geometry.polygon(rings:)))
  }

  private static func geometry(of shape: GeoShape) throws -> Geometry {
    try multiPolygon(shape.parts.polygons)
  }
}

/// What rounding to the output's decimals changed, counted over a layer: said in
/// the command's report, so that no ring disappears silently.
public struct RoundingReport: Sendable, Equatable {
  /// Rings dropped because rounding left them fewer than 4 positions or no area.
  public var droppedRings = 0
  /// Polygons that rounding made invalid, snap-rounded to valid ones.
  public var snapped = 0
  /// Geometries of which rounding left nothing (written as null).
  public var vanished = 0

  /// Creates an empty report.
  public init() {}

  /// Whether rounding changed anything beyond moving coordinates.
  public var isEmpty: Bool { droppedRings == 0 && snapped == 0 && vanished == 0 }

  mutating func add(_ outcome: RoundingOutcome) {
    droppedRings += outcome.droppedRings
    snapped += outcome.snapped ? 1 : 0
    vanished += outcome.vanished ? 1 : 0
  }

  /// One line for a command's report, e.g. "at 7 decimals: 2 rings with fewer
  /// than 4 positions or no area dropped".
  public func summary(decimals: Int) -> String {
    var parts: [String] = []
    if droppedRings > 0 {
      parts.append(
        "\(droppedRings) ring\(droppedRings == 1 ? "" : "s") with fewer than 4 positions or no area dropped"
      )
    }
    if snapped > 0 {
      parts.append(
        "\(snapped) polygon\(snapped == 1 ? "" : "s") that rounding made invalid snap-rounded to valid ones"
      )
    }
    if vanished > 0 {
      parts.append("\(vanished) geometr\(vanished == 1 ? "y" : "ies") left empty (written as null)")
    }
    return "at \(decimals) decimals: " + parts.joined(separator: "; ")
  }
}
