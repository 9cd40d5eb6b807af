import Foundation
import GEOSKit
import GeoCore
import Testing

@Suite("Geometry")
struct GeometryTests {
  let unitSquare = "POLYGON ((0 0, 1 0, 1 1, 0 1, 0 0))"

  @Test(
    "WKT and WKB round trips keep the geometry",
    arguments: [
      "POINT (1 2)",
      "LINESTRING (0 0, 1 1, 2 0)",
      "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 2 4, 4 4, 4 2, 2 2))",
      "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5)))",
      "GEOMETRYCOLLECTION (POINT (1 1), LINESTRING (0 0, 1 1))",
      "POINT Z (1 2 3)",
    ])
  func roundTrip(wkt: String) throws {
    let geometry = try Geometry(wkt: wkt)
    #expect(try Geometry(wkt: geometry.wkt).topologicallyEquals(geometry))
    let fromWKB = try Geometry(wkb: geometry.wkb)
    #expect(fromWKB.wkt == geometry.wkt)
    #expect(fromWKB.hasZ == wkt.contains(" Z "))
  }

  @Test func typeEmptinessEnvelopeAndPointCount() throws {
    let polygon = try Geometry(
      wkt: "POLYGON ((0 0, 4 0, 4 3, 0 3, 0 0), (1 1, 1 2, 2 2, 2 1, 1 1))")
    #expect(polygon.type == .polygon)
    #expect(!polygon.isEmpty)
    #expect(polygon.envelope == Envelope(minX: 0, minY: 0, maxX: 4, maxY: 3))
    #expect(polygon.pointCount == 10)
    let empty = try Geometry(wkt: "POLYGON EMPTY")
    #expect(empty.isEmpty)
    #expect(empty.envelope == nil)
    #expect(try Geometry(wkt: "MULTIPOINT ((0 0), (1 1))").type == .multiPoint)
  }

  @Test func measuresOfHandMadeShapes() throws {
    // A 4 x 3 rectangle with a 1 x 1 hole: area 12 - 1, perimeter 14 + 4.
    let polygon = try Geometry(
      wkt: "POLYGON ((0 0, 4 0, 4 3, 0 3, 0 0), (1 1, 1 2, 2 2, 2 1, 1 1))")
    #expect(polygon.area == 11)
    #expect(polygon.length == 18)
    // A right triangle with legs 3 and 4: area 6, perimeter 12.
    let triangle = try Geometry(wkt: "POLYGON ((0 0, 3 0, 0 4, 0 0))")
    #expect(triangle.area == 6)
    #expect(triangle.length == 12)
    #expect(try Geometry.point(x: 0, y: 0).distance(to: Geometry.point(x: 3, y: 4)) == 5)
    #expect(try Geometry(wkt: "LINESTRING (0 0, 3 4)").length == 5)
  }

  @Test func validityReasonAndRepair() throws {
    let bowtie = try Geometry(wkt: "POLYGON ((0 0, 2 2, 2 0, 0 2, 0 0))")
    #expect(!bowtie.isValid)
    #expect(bowtie.validityReason.hasPrefix("Self-intersection"))
    let repaired = try bowtie.makeValid()
    #expect(repaired.isValid)
    #expect(repaired.type == .multiPolygon)
    // Two triangles of base 2 and height 1.
    #expect(abs(repaired.area - 2) < 1e-12)
    #expect(try Geometry(wkt: unitSquare).validityReason == "Valid Geometry")
  }

  @Test func polygonalPartDropsLinesAndPoints() throws {
    let mixed = try Geometry(
      wkt: "GEOMETRYCOLLECTION (POLYGON ((0 0, 1 0, 1 1, 0 0)), LINESTRING (5 5, 6 6), POINT (9 9))"
    )
    let polygons = try mixed.polygonalPart()
    #expect(polygons.type == .polygon)
    #expect(polygons.area == 0.5)
  }

  @Test func predicates() throws {
    let square = try Geometry(wkt: unitSquare)
    let inside = Geometry.point(x: 0.5, y: 0.5)
    let corner = Geometry.point(x: 1, y: 1)
    let far = Geometry.point(x: 5, y: 5)
    let neighbour = try Geometry(wkt: "POLYGON ((1 0, 2 0, 2 1, 1 1, 1 0))")
    let overlapping = try Geometry(wkt: "POLYGON ((0.5 0.5, 2 0.5, 2 2, 0.5 2, 0.5 0.5))")
    #expect(try square.intersects(inside))
    #expect(try square.contains(inside))
    #expect(try inside.within(square))
    #expect(try !square.contains(corner))
    #expect(try square.covers(corner))
    #expect(try square.touches(neighbour))
    #expect(try !square.overlaps(neighbour))
    #expect(try square.overlaps(overlapping))
    #expect(try square.disjoint(far))
    #expect(try !square.intersects(far))
  }

  @Test func overlayOfTwoSquares() throws {
    let a = try Geometry(wkt: "POLYGON ((0 0, 2 0, 2 2, 0 2, 0 0))")
    let b = try Geometry(wkt: "POLYGON ((1 1, 3 1, 3 3, 1 3, 1 1))")
    #expect(try a.intersection(with: b).area == 1)
    #expect(try a.union(with: b).area == 7)
    #expect(try a.difference(b).area == 3)
    #expect(try a.symmetricDifference(with: b).area == 6)
    let cells = try (0..<4).map { i in
      try Geometry(wkt: "POLYGON ((\(i) 0, \(i + 1) 0, \(i + 1) 1, \(i) 1, \(i) 0))")
    }
    let merged = try Geometry.unionAll(cells)
    #expect(merged.type == .polygon)
    #expect(merged.area == 4)
    #expect(merged.envelope == Envelope(minX: 0, minY: 0, maxX: 4, maxY: 1))
  }

  @Test func bufferStyles() throws {
    let point = Geometry.point(x: 0, y: 0)
    let circle = try point.buffer(1, quadrantSegments: 64)
    #expect(abs(circle.area - Double.pi) < 0.01)
    let line = try Geometry(wkt: "LINESTRING (0 0, 10 0)")
    #expect(try line.buffer(1, capStyle: .flat).area == 20)
    #expect(try line.buffer(1, capStyle: .square).area == 24)
    let square = try Geometry(wkt: unitSquare)
    #expect(try square.buffer(1, joinStyle: .mitre).area == 9)
    #expect(try square.buffer(-0.25).area == 0.25)
  }

  @Test func simplification() throws {
    let wiggly = try Geometry(wkt: "LINESTRING (0 0, 1 0.01, 2 0, 3 0.01, 4 0)")
    #expect(try wiggly.simplified(tolerance: 0.1).pointCount == 2)
    let polygon = try Geometry(wkt: "POLYGON ((0 0, 5 0.01, 10 0, 10 10, 0 10, 0 0))")
    let simple = try polygon.simplifiedPreservingTopology(tolerance: 0.1)
    #expect(simple.pointCount == 5)
    #expect(simple.isValid)
  }

  @Test func clipCentroidPointOnSurfaceAndHull() throws {
    let square = try Geometry(wkt: "POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0))")
    let clipped = try square.clipped(to: Envelope(minX: 1, minY: 1, maxX: 2, maxY: 10))
    #expect(clipped.area == 3)
    #expect(try square.centroid().pointCoordinates() == (2, 2))
    let ring = try Geometry(
      wkt: "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (1 1, 1 9, 9 9, 9 1, 1 1))")
    let centroid = try ring.centroid()
    #expect(try !ring.contains(centroid))
    #expect(try ring.contains(ring.pointOnSurface()))
    let points = try Geometry(wkt: "MULTIPOINT ((0 0), (2 0), (1 1), (2 2), (0 2))")
    #expect(try points.convexHull().area == 4)
  }

  @Test func transformMovesEveryCoordinate() throws {
    let square = try Geometry(wkt: unitSquare)
    let moved = try square.transformed { x, y in
      x += 10
      y *= 2
    }
    #expect(moved.envelope == Envelope(minX: 10, minY: 0, maxX: 11, maxY: 2))
    #expect(moved.area == 2)
    struct Refused: Error {}
    #expect(throws: Refused.self) { try square.transformed { _, _ in throw Refused() } }
  }

  @Test func finiteCoordinates() throws {
    #expect(try Geometry(wkt: unitSquare).hasFiniteCoordinates)
    let nan = try Geometry(wkt: "LINESTRING (0 0, 1 1)").transformed { x, _ in x = .nan }
    #expect(!nan.hasFiniteCoordinates)
  }

  @Test(
    "bad WKT and WKB throw with GEOS's message",
    arguments: [
      "POLYGON ((0 0, 1", "NOT A GEOMETRY", "",
    ])
  func badText(wkt: String) {
    #expect(throws: GEOSError.self) { try Geometry(wkt: wkt) }
    do {
      _ = try Geometry(wkt: wkt)
    } catch {
      #expect(error.operation == "read WKT")
      #expect(!error.message.isEmpty)
    }
  }

  @Test func truncatedWKBThrows() throws {
    let bytes = try Geometry(wkt: unitSquare).wkb
    #expect(throws: GEOSError.self) { try Geometry(wkb: Array(bytes.prefix(20))) }
    #expect(throws: GEOSError.self) { try Geometry(wkb: []) }
  }

  @Test func collectionsCheckTheirParts() throws {
    let triangle = try Geometry(wkt: "POLYGON ((0 0, 1 0, 1 1, 0 0))")
    let line = try Geometry(wkt: "LINESTRING (0 0, 1 1)")
    #expect(try Geometry.collection(.multiPolygon, of: [triangle, triangle]).partCount == 2)
    #expect(throws: GEOSError.self) { try Geometry.collection(.multiPolygon, of: [line]) }
  }
}
