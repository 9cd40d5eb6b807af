import Foundation
import GEOSKit
import GeoCore
import Testing

@Suite("PreparedGeometry and STRTree")
struct IndexTests {
  @Test func preparedPredicatesAgreeWithPlainOnes() throws {
    let polygon = try Geometry(wkt: "POLYGON ((0 0, 10 0, 10 10, 5 5, 0 10, 0 0))")
    let prepared = try PreparedGeometry(polygon)
    for x in stride(from: -1.0, through: 11, by: 0.5) {
      for y in stride(from: -1.0, through: 11, by: 0.5) {
        let point = Geometry.point(x: x, y: y)
        #expect(try prepared.contains(point) == polygon.contains(point))
        #expect(try prepared.intersects(point) == polygon.intersects(point))
        #expect(try prepared.covers(point) == polygon.covers(point))
      }
    }
    let inner = try Geometry(wkt: "POLYGON ((1 1, 2 1, 2 2, 1 1))")
    #expect(try prepared.containsProperly(inner))
    #expect(try !prepared.disjoint(inner))
    #expect(try !prepared.within(inner))
  }

  @Test func treeFindsExactlyTheIntersectingEnvelopes() {
    var envelopes: [Envelope] = []
    for row in 0..<20 {
      for column in 0..<20 {
        envelopes.append(
          Envelope(
            minX: Double(column), minY: Double(row), maxX: Double(column) + 1, maxY: Double(row) + 1
          ))
      }
    }
    let tree = STRTree(envelopes: envelopes)
    #expect(tree.count == 400)
    let query = Envelope(minX: 2.5, minY: 3.5, maxX: 4.5, maxY: 3.7)
    let expected = envelopes.indices.filter { envelopes[$0].intersects(query) }
    #expect(tree.query(query) == expected)
    #expect(expected.count == 3)
    #expect(tree.query(Envelope(minX: 100, minY: 100, maxX: 101, maxY: 101)).isEmpty)
  }

  @Test func droppingObjectsReleasesThem() throws {
    let before = GEOSDiagnostics.liveObjectsOnCurrentThread
    do {
      let square = try Geometry(wkt: "POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))")
      let prepared = try PreparedGeometry(square)
      let tree = STRTree(envelopes: [square.envelope!])
      let parts = try square.buffer(1).union(with: square).parts
      #expect(GEOSDiagnostics.liveObjectsOnCurrentThread >= before + 3 + parts.count)
      _ = (prepared, tree)
    }
    #expect(GEOSDiagnostics.liveObjectsOnCurrentThread == before)
  }
}
