import GEOSKit
import GeoCore

/// A geometry in one tile's integer coordinates (0 ... extent, y down), cleaned
/// as MVT 2.1 requires: no repeated points, exterior rings of positive area
/// (clockwise on screen) followed by their holes of negative area, no ring that
/// crosses or touches itself.
enum TileShape {
  case points([SIMD2<Int32>])
  case lines([[SIMD2<Int32>]])
  case polygons([[[SIMD2<Int32>]]])

  /// Area in square tile units for polygons, length for lines, 0 for points:
  /// what "smallest" means when a tile must shed features.
  var size: Double {
    switch self {
    case .points: return 0
    case .lines(let lines):
      return lines.reduce(0) { total, line in
        total
          + zip(line, line.dropFirst()).reduce(0) { sum, pair in
            let d = SIMD2<Double>(pair.1 &- pair.0)
            return sum + (d * d).sum().squareRoot()
          }
      }
    case .polygons(let polygons):
      return polygons.reduce(0) { total, rings in
        total + rings.reduce(0) { $0 + Double(TileCutter.doubledArea($1)) / 2 }
      }
    }
  }

  /// A representative point (the first vertex), for ordering features in space.
  var anchor: SIMD2<Int32> {
    switch self {
    case .points(let points): return points.first ?? .zero
    case .lines(let lines): return lines.first?.first ?? .zero
    case .polygons(let polygons): return polygons.first?.first?.first ?? .zero
    }
  }
}

/// What became of one feature in one tile.
enum CutOutcome {
  /// Nothing of it falls within the tile and its buffer.
  case outside
  /// Its polygons all shrank to nothing at this zoom (smaller than a tile unit).
  case degenerate
  /// It is in the tile; `repaired` when rounding broke it and GEOS mended it.
  case kept(TileShape, repaired: Bool)
}

/// Cuts geometries given in the zoom's tile units (unit square × 4096 · 2^z) into
/// one tile: moves them to the tile's origin, clips to the tile and its buffer,
/// rounds, cleans and, where rounding made a ring cross or touch itself, repairs
/// with GEOS (make-valid, clip, snap to the unit grid).
struct TileCutter {
  /// Tile units across a tile (MVT extent).
  let extent: Int
  /// Tile units kept around the tile on each side.
  let buffer: Int
  /// The tile.
  let address: TileAddress

  private var low: Double { -Double(buffer) }
  private var high: Double { Double(extent + buffer) }

  /// The tile's own coordinates (before rounding) of a point in the zoom's tile units.
  func local(_ p: SIMD2<Double>) -> SIMD2<Double> {
    SIMD2(p.x - Double(address.x * extent), p.y - Double(address.y * extent))
  }

  /// Cuts one geometry.
  func cut(_ geometry: TileGeometry) -> CutOutcome {
    switch geometry {
    case .points(let points):
      let inside = points.map(local).filter {
        $0.x >= low && $0.x <= high && $0.y >= low && $0.y <= high
      }
      return inside.isEmpty
        ? .outside : .kept(.points(inside.map(TileCutter.round)), repaired: false)
    case .lines(let lines):
      let clipped = lines.flatMap { clipLine($0.map(local)) }
      guard !clipped.isEmpty else { return .outside }
      let pieces = clipped.compactMap { piece -> [SIMD2<Int32>]? in
        var points: [SIMD2<Int32>] = []
        for p in piece.map(TileCutter.round) where p != points.last { points.append(p) }
        return points.count >= 2 ? points : nil
      }
      // A line shorter than a tile unit is too small to draw, not outside.
      return pieces.isEmpty ? .degenerate : .kept(.lines(pieces), repaired: false)
    case .polygons(let polygons):
      return cutPolygons(polygons.map { $0.map { $0.map(local) } })
    }
  }

  private func cutPolygons(_ polygons: [[[SIMD2<Double>]]]) -> CutOutcome {
    var clipped: [[[SIMD2<Double>]]] = []
    var touched = false
    for rings in polygons {
      let exterior = clipRing(rings[0])
      guard exterior.count >= 3 else { continue }
      touched = true
      clipped.append([exterior] + rings.dropFirst().map(clipRing).filter { $0.count >= 3 })
    }
    guard touched else { return .outside }
    let (result, folded) = TileCutter.rounded(clipped)
    if !folded {
      guard !result.isEmpty else { return .degenerate }
      if isValid(result) { return .kept(.polygons(result), repaired: false) }
    }
    guard let mended = repair(polygons), !mended.isEmpty else { return .degenerate }
    return .kept(.polygons(mended), repaired: true)
  }

  /// Whether the rounded polygons form a valid MultiPolygon: a quick exact test
  /// for a single small ring, GEOS for everything else.
  private func isValid(_ polygons: [[[SIMD2<Int32>]]]) -> Bool {
    if polygons.count == 1, polygons[0].count == 1, polygons[0][0].count <= 64 {
      return TileCutter.isSimple(polygons[0][0])
    }
    guard
      let geometry = try? TileCutter.geometry(
        polygons.map { $0.map { $0.map(SIMD2<Double>.init) } })
    else { return false }
    return geometry.isValid
  }

  /// GEOS repair of the unclipped polygons: make valid, clip, snap to the unit grid.
  private func repair(_ polygons: [[[SIMD2<Double>]]]) -> [[[SIMD2<Int32>]]]? {
    guard var geometry = try? TileCutter.geometry(polygons) else { return nil }
    do {
      if !geometry.isValid { geometry = try geometry.makeValid().polygonalPart() }
      geometry = try geometry.clipped(to: Envelope(minX: low, minY: low, maxX: high, maxY: high))
      geometry = try geometry.snapped(toGrid: 1).polygonalPart()
    } catch { return nil }
    return TileCutter.rounded(geometry.polygonRings()).polygons
  }

  /// Polygons rounded to the unit grid and cleaned (`cleanRing`); `folded` when
  /// an exterior kept no net area without being a line (a ring crossing itself).
  static func rounded(_ polygons: [[[SIMD2<Double>]]]) -> (
    polygons: [[[SIMD2<Int32>]]], folded: Bool
  ) {
    var result: [[[SIMD2<Int32>]]] = []
    var folded = false
    for rings in polygons {
      let outline = rings[0].map(round)
      guard let exterior = cleanRing(outline, exterior: true) else {
        if spansArea(outline) { folded = true }
        continue
      }
      result.append(
        [exterior] + rings.dropFirst().compactMap { cleanRing($0.map(round), exterior: false) })
    }
    return (result, folded)
  }

  /// A repaired piece minus its valid neighbours, on the unit grid: GEOS's repair
  /// of a ring that rounding folded may cover a sliver its neighbour also covers;
  /// the neighbour, whose border is the shared one, keeps it.
  static func yielding(
    _ polygons: [[[SIMD2<Int32>]]], to neighbours: [[[[SIMD2<Int32>]]]]
  ) -> [[[SIMD2<Int32>]]]? {
    func double(_ list: [[[SIMD2<Int32>]]]) -> [[[SIMD2<Double>]]] {
      list.map { $0.map { $0.map(SIMD2<Double>.init) } }
    }
    guard !neighbours.isEmpty,
      let piece = try? geometry(double(polygons)),
      let others = try? Geometry.unionAll(neighbours.compactMap { try? geometry(double($0)) }),
      let rest = try? piece.difference(others, gridSize: 1).polygonalPart()
    else { return polygons }
    let result = rounded(rest.polygonRings()).polygons
    return result.isEmpty ? nil : result
  }

  static func geometry(_ polygons: [[[SIMD2<Double>]]]) throws -> Geometry {
    let parts = try polygons.map { try Geometry.polygon(rings: $0) }
    return try Geometry.collection(.multiPolygon, of: parts)
  }

  static func round(_ p: SIMD2<Double>) -> SIMD2<Int32> {
    SIMD2(Int32(p.x.rounded()), Int32(p.y.rounded()))
  }

  /// An open ring without repeated or collinear points, oriented (positive
  /// doubled area for an exterior, negative for a hole); `nil` when nothing with
  /// area is left.
  static func cleanRing(_ ring: [SIMD2<Int32>], exterior: Bool) -> [SIMD2<Int32>]? {
    var points: [SIMD2<Int32>] = []
    points.reserveCapacity(ring.count)
    for p in ring {
      if p == points.last { continue }
      points.append(p)
      while points.count >= 3,
        cross(points[points.count - 3], points[points.count - 2], points[points.count - 1]) == 0
      {
        points.remove(at: points.count - 2)
      }
    }
    while points.count > 1 && points.first == points.last { points.removeLast() }
    // The seam where the ring closes.
    var changed = true
    while changed && points.count >= 3 {
      changed = false
      if cross(points[points.count - 1], points[0], points[1]) == 0 {
        points.removeFirst()
        changed = true
      } else if cross(points[points.count - 2], points[points.count - 1], points[0]) == 0 {
        points.removeLast()
        changed = true
      }
    }
    guard points.count >= 3 else { return nil }
    let area = doubledArea(points)
    if area == 0 { return nil }
    return (area > 0) == exterior ? points : points.reversed()
  }

  /// Whether the points are not all on one line.
  static func spansArea(_ points: [SIMD2<Int32>]) -> Bool {
    guard let first = points.first, let second = points.first(where: { $0 != first }) else {
      return false
    }
    return points.contains { cross(first, second, $0) != 0 }
  }

  /// Twice the signed area of an open ring (surveyor's formula, y down: positive
  /// is clockwise on screen).
  static func doubledArea(_ ring: [SIMD2<Int32>]) -> Int64 {
    var sum: Int64 = 0
    for k in ring.indices {
      let a = ring[k]
      let b = ring[(k + 1) % ring.count]
      sum += Int64(a.x) * Int64(b.y) - Int64(b.x) * Int64(a.y)
    }
    return sum
  }

  static func cross(_ a: SIMD2<Int32>, _ b: SIMD2<Int32>, _ c: SIMD2<Int32>) -> Int64 {
    Int64(b.x - a.x) * Int64(c.y - a.y) - Int64(b.y - a.y) * Int64(c.x - a.x)
  }

  /// Whether an open ring neither crosses nor touches itself (exact, O(n²)).
  static func isSimple(_ ring: [SIMD2<Int32>]) -> Bool {
    let n = ring.count
    guard n >= 3 else { return false }
    for i in 0..<n {
      for j in (i + 1)..<n where j != i + 1 && !(i == 0 && j == n - 1) {
        if segmentsMeet(ring[i], ring[(i + 1) % n], ring[j], ring[(j + 1) % n]) { return false }
      }
    }
    return true
  }

  private static func segmentsMeet(
    _ p1: SIMD2<Int32>, _ p2: SIMD2<Int32>, _ q1: SIMD2<Int32>, _ q2: SIMD2<Int32>
  ) -> Bool {
    let d1 = cross(q1, q2, p1)
    let d2 = cross(q1, q2, p2)
    let d3 = cross(p1, p2, q1)
    let d4 = cross(p1, p2, q2)
    if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
      return true
    }
    func on(_ a: SIMD2<Int32>, _ b: SIMD2<Int32>, _ p: SIMD2<Int32>) -> Bool {
      min(a.x, b.x) <= p.x && p.x <= max(a.x, b.x) && min(a.y, b.y) <= p.y && p.y <= max(a.y, b.y)
    }
    return (d1 == 0 && on(q1, q2, p1)) || (d2 == 0 && on(q1, q2, p2))
      || (d3 == 0 && on(p1, p2, q1)) || (d4 == 0 && on(p1, p2, q2))
  }

  /// Sutherland–Hodgman clipping of a closed ring to the tile and its buffer.
  /// A concave ring may come back touching itself along the edge; the validity
  /// test then sends it to the GEOS repair.
  private func clipRing(_ ring: [SIMD2<Double>]) -> [SIMD2<Double>] {
    let points = ring.last == ring.first ? Array(ring.dropLast()) : ring
    if points.allSatisfy({ $0.x >= low && $0.x <= high && $0.y >= low && $0.y <= high }) {
      return points
    }
    return Clipping.clip(points, toSquare: low...high)
  }

  /// Liang–Barsky clipping of a line to the tile and its buffer, in pieces.
  private func clipLine(_ line: [SIMD2<Double>]) -> [[SIMD2<Double>]] {
    var pieces: [[SIMD2<Double>]] = []
    var current: [SIMD2<Double>] = []
    for (a, b) in zip(line, line.dropFirst()) {
      var t0 = 0.0
      var t1 = 1.0
      let d = b - a
      var visible = true
      for (p, q) in [(-d.x, a.x - low), (d.x, high - a.x), (-d.y, a.y - low), (d.y, high - a.y)] {
        if p == 0 {
          if q < 0 { visible = false }
        } else {
          let r = q / p
          if p < 0 { t0 = max(t0, r) } else { t1 = min(t1, r) }
        }
      }
      guard visible, t0 <= t1 else {
        if !current.isEmpty { pieces.append(current) }
        current = []
        continue
      }
      let start = a + t0 * d
      let end = a + t1 * d
      if current.isEmpty {
        current = [start]
      } else if current.last != start {
        pieces.append(current)
        current = [start]
      }
      current.append(end)
      if t1 < 1 {
        pieces.append(current)
        current = []
      }
    }
    if !current.isEmpty { pieces.append(current) }
    return pieces
  }
}
