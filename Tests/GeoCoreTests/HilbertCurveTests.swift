import GeoCore
import Testing

@Suite("Hilbert curve")
struct HilbertCurveTests {
  /// The points of a 16 x 16 lattice, given in a shuffled order, come back as
  /// a walk of unit steps (the curve's defining property), whatever their
  /// scale; points that are not finite take the curve's first cell.
  @Test func theOrderWalksALatticeInUnitSteps() {
    var random = SeededGenerator(seed: 5)
    let lattice = (0..<256).map { SIMD2(Double($0 % 16), Double($0 / 16)) }.shuffled(
      using: &random)
    for scale in [1.0, 25.0, 1e6] {
      let points = [SIMD2(Double.nan, 0)] + lattice.map { $0 * scale + 7 } + [SIMD2(.infinity, 1)]
      let order = HilbertCurve.order(of: points)
      #expect(order.sorted() == Array(points.indices))
      // The lattice's corner (7, 7) shares the first cell with them.
      #expect(Set(order.prefix(3)).isSuperset(of: [0, points.count - 1]))
      let walk = order.filter { $0 != 0 && $0 != points.count - 1 }.map { lattice[$0 - 1] }
      for (from, to) in zip(walk, walk.dropFirst()) {
        #expect(abs(from.x - to.x) + abs(from.y - to.y) == 1, "\(from) -> \(to)")
      }
    }
    #expect(HilbertCurve.order(of: []).isEmpty)
  }
}
