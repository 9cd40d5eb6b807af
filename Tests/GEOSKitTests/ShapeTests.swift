import GEOSKit
import GeoCore
import Testing

/// Shapes carry polygons between the stages of a run in place of WKB, so a
/// geometry rebuilt from its shape must give the very bytes the geometry had.
@Suite("Polygonal shapes")
struct ShapeTests {
  @Test(
    "a geometry rebuilt from its shape writes the same WKB",
    arguments: [
      "POLYGON ((0 0, 10 0, 10 10, 0 10, 0 0), (2 2, 2 4, 4 4, 4 2, 2 2))",
      "POLYGON ((0 0, 0 1, 1 1, 1 0, 0 0))",
      "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)))",
      "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5), (5.2 5.1, 5.8 5.7, 5.8 5.1, 5.2 5.1)))",
      "POLYGON EMPTY",
      "MULTIPOLYGON EMPTY",
    ])
  func sameBytes(wkt: String) throws {
    let geometry = try Geometry(wkt: wkt)
    let shape = geometry.polygonalShape
    let rebuilt = try Geometry.polygonal(shape)
    #expect(rebuilt.wkb == geometry.wkb)
    #expect(rebuilt.type == geometry.type)
    #expect(shape.isMulti == wkt.hasPrefix("MULTI"))
    #expect(shape.isEmpty == wkt.hasSuffix("EMPTY"))
  }

  @Test func ringsKeepTheirOrderAndClosingPoint() throws {
    // Clockwise exterior, starting at (0 0): kept as written, closing point included.
    let shape = try Geometry(wkt: "POLYGON ((0 0, 0 2, 3 2, 3 0, 0 0))").polygonalShape
    #expect(
      shape.polygons == [[[SIMD2(0, 0), SIMD2(0, 2), SIMD2(3, 2), SIMD2(3, 0), SIMD2(0, 0)]]])
  }

  @Test func zIsDroppedAndLinesAreLeftOut() throws {
    let withZ = try Geometry(wkt: "POLYGON Z ((0 0 5, 1 0 5, 1 1 5, 0 0 5))")
    let rebuilt = try Geometry.polygonal(withZ.polygonalShape)
    #expect(!rebuilt.hasZ)
    #expect(rebuilt.wkt == "POLYGON ((0 0, 1 0, 1 1, 0 0))")
    let mixed = try Geometry(
      wkt: "GEOMETRYCOLLECTION (LINESTRING (0 0, 9 9), POLYGON ((0 0, 1 0, 1 1, 0 0)))")
    let shape = mixed.polygonalShape
    #expect(shape.isMulti && shape.polygons.count == 1)
  }

  @Test func aMissingShapeIsAnEmptyPolygon() throws {
    let empty = try Geometry.polygonalOrEmpty(nil)
    #expect(empty.isEmpty && empty.type == .polygon)
  }

  @Test func aRingGEOSCannotBuildThrows() {
    // GEOS builds rings of 3 points or more once closed; two equal points are fewer.
    let shape = PolygonalShape(polygons: [[[SIMD2(0, 0), SIMD2(0, 0)]]], isMulti: false)
    #expect(throws: GEOSError.self) { try Geometry.polygonal(shape) }
    let single = PolygonalShape(polygons: [[[SIMD2(0, 0)]]], isMulti: true)
    #expect(throws: GEOSError.self) { try Geometry.polygonal(single) }
  }
}
