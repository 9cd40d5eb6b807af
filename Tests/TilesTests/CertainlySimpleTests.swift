import Foundation
import GEOSKit
import GeoCore
import Testing

@testable import Tiles

/// The GeoJSON export's integer proof that a small ring is a valid shell
/// (`GeoJSONRounding.certainlySimple`) must never claim a ring GEOS finds invalid,
/// and must prove the common cases (grid cells, small convex polygons), else it
/// saves nothing.
@Suite("Rings proved simple on the output's grid")
struct CertainlySimpleTests {
  /// A ring of `points` grid steps from a base point, closed, as written with 7 decimals.
  func ring(_ steps: [SIMD2<Int>], base: SIMD2<Double>, scale: Double) -> [SIMD2<Double>] {
    (steps + [steps[0]]).map { step in
      let point = base + SIMD2(Double(step.x), Double(step.y)) / scale
      return SIMD2(
        GeoJSONRounding.round(point.x, scale: scale), GeoJSONRounding.round(point.y, scale: scale))
    }
  }

  @Test("never valid where GEOS says invalid, over 20,000 random rings near degenerate")
  func agreesWithGEOS() throws {
    var generator = SeededGenerator(seed: 41)
    let scale = 1e7
    var proved = 0
    var invalid = 0
    for trial in 0..<20_000 {
      // Few distinct steps, so that points repeat, line up and touch.
      let count = 3 + Int(generator.next() % 6)
      let steps = (0..<count).map { _ in
        SIMD2(Int(generator.next() % 5), Int(generator.next() % 5))
      }
      var open: [SIMD2<Int>] = []
      for step in steps where step != open.last { open.append(step) }
      while open.count > 1 && open.first == open.last { open.removeLast() }
      guard open.count >= 3 else { continue }
      let base = SIMD2(-34.8 - Double(trial % 7) * 0.013, -7.9 + Double(trial % 5) * 0.021)
      let points = ring(open, base: base, scale: scale)
      let valid = try Geometry.polygon(rings: [points]).isValid
      if !valid { invalid += 1 }
      if GeoJSONRounding.certainlySimple(points, scale: scale) {
        proved += 1
        #expect(valid, "proved simple but invalid for GEOS: \(open)")
      }
    }
    // Both kinds occur, so the comparison means something.
    #expect(proved > 1000)
    #expect(invalid > 1000)
  }

  @Test("grid cells, convex polygons and large rings far from the origin are proved")
  func commonCases() {
    let scale = 1e7
    let cell = ring(
      [[0, 0], [200, 0], [200, 200], [0, 200]], base: [-34.85, -8.01], scale: scale)
    #expect(GeoJSONRounding.certainlySimple(cell, scale: scale))
    #expect(GeoJSONRounding.certainlySimple(cell.reversed(), scale: scale))
    let hexagon = ring(
      [[0, 0], [87, -50], [174, 0], [174, 100], [87, 150], [0, 100]], base: [179.9, 89.1],
      scale: scale)
    #expect(GeoJSONRounding.certainlySimple(hexagon, scale: scale))
    // A bow tie, a spike back along an edge, a vertex on another edge, a ring
    // with no area: not proved (GEOS decides).
    let bowTie = ring([[0, 0], [10, 10], [10, 0], [0, 10]], base: [2, 3], scale: scale)
    let spike = ring([[0, 0], [10, 0], [5, 0], [5, 5]], base: [2, 3], scale: scale)
    let touching = ring(
      [[0, 0], [10, 0], [10, 10], [5, 0], [0, 10]], base: [2, 3], scale: scale)
    let flat = ring([[0, 0], [10, 0], [20, 0]], base: [2, 3], scale: scale)
    for shape in [bowTie, spike, touching, flat] {
      #expect(!GeoJSONRounding.certainlySimple(shape, scale: scale))
    }
    // Past 64 segments, not open, or spans beyond the integer bound: GEOS decides.
    let circle = (0..<100).map { k -> SIMD2<Int> in
      let angle = Double(k) / 100 * 2 * .pi
      return SIMD2(Int((cos(angle) * 1000).rounded()), Int((sin(angle) * 1000).rounded()))
    }
    #expect(
      !GeoJSONRounding.certainlySimple(ring(circle, base: [0, 0], scale: scale), scale: scale))
    #expect(!GeoJSONRounding.certainlySimple(Array(cell.dropLast()), scale: scale))
    let huge = ring([[0, 0], [1 << 27, 0], [0, 1 << 27]], base: [0, 0], scale: scale)
    #expect(!GeoJSONRounding.certainlySimple(huge, scale: scale))
  }
}
