import GeoCore
import Testing

@testable import Tiles

/// A zoom's arcs held in 32 bits where their tile units fit, as doubles where
/// they do not, with the same points either way.
@Suite("Zoom arcs")
struct ZoomArcsTests {
  /// Jittered lines across a box of `span` unit-square units at `origin`, with
  /// zig-zags that simplification removes and neighbours close enough for some
  /// simplified lines to cross.
  private func jitteredLines(origin: SIMD2<Double>, span: Double, seed: UInt64)
    -> [[SIMD2<Double>]]
  {
    var generator = SeededGenerator(seed: seed)
    func unit() -> Double { Double(generator.next() % 10_000) / 10_000 }
    return (0..<300).map { _ in
      let start = origin + SIMD2(unit(), unit()) * span
      let step = SIMD2(unit() - 0.5, unit() - 0.5) * span / 50
      return (0..<(2 + Int(generator.next() % 40))).map { k in
        start + step * Double(k) + SIMD2(unit() - 0.5, unit() - 0.5) * span / 400
      }
    }
  }

  @Test("arcs simplified into 32 bits are the arcs simplified into doubles, at every tolerance")
  func narrowEqualsWide() {
    let lines = jitteredLines(origin: [0.3, 0.4], span: 1e-3, seed: 41)
    let arcs = PackedLines(lines)
    for zoom in [6, 10, 12, 14] {
      let scale = 4096 * Double(1 << zoom)
      let simplifier = ArcSimplifier(arcs: arcs, scale: scale)
      for tolerance in [0.0, 1, 16, 64] {
        for threads in [1, 3] {
          let narrow = simplifier.simplify(tolerance: tolerance, threads: threads, as: Int32.self)
          let wide = simplifier.simplify(tolerance: tolerance, threads: 1, as: Double.self)
          #expect(narrow.count == lines.count)
          #expect(wide.count == lines.count)
          let same = (0..<lines.count).allSatisfy { index in
            narrow.line(index).map(Int32.double) == wide.line(index)
          }
          #expect(same, "zoom \(zoom), tolerance \(tolerance), \(threads) threads")
        }
      }
    }
  }

  @Test("zooms whose tile units pass 32 bits keep their arcs as doubles, with the same corners")
  func widePastThirtyTwoBits() throws {
    // Squares whose farthest coordinate is 0.75: at zoom 19 it is 0.75 · 2^31
    // tile units, within Int32; at zoom 20 it is 1.5 · 2^31, beyond it.
    let size = 1e-5
    let squares: [[SIMD2<Double>]] = (0..<3).map { k in
      let x = 0.75 - size * Double(k + 1)
      let y = 0.5
      return [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    }
    var features = squares.enumerated().map { index, ring in
      TileFeature(id: Int64(index), geometry: .polygons([[ring]]), attributes: [])
    }
    let shared = SharedBorders(taking: &features)
    for (zoom, narrow) in [(12, true), (19, true), (20, false), (24, false)] {
      let scale = 4096 * Double(1 << zoom)
      let arcs = shared.simplifiedArcs(scale: scale, tolerance: 0, threads: 2)
      switch arcs {
      case .narrow: #expect(narrow, "zoom \(zoom) in 32 bits")
      case .wide: #expect(!narrow, "zoom \(zoom) as doubles")
      }
      for (index, square) in squares.enumerated() {
        guard case .polygons(let polygons)? = shared.geometry(of: index, arcs: arcs) else {
          Issue.record("square \(index) is not polygonal at zoom \(zoom)")
          continue
        }
        let corners = Set(square.map { ($0 * scale).rounded(.toNearestOrAwayFromZero) })
        #expect(polygons.count == 1 && polygons[0].count == 1)
        #expect(Set(polygons.joined().joined()) == corners, "square \(index), zoom \(zoom)")
      }
    }
  }
}
