import Foundation
import GEOSKit
import GeoCore
import Testing

@testable import Analysis

@Suite("Exact coverage of cells")
struct CoverageTests {
  func coverage(_ wkt: String, cell: Double) throws -> [String: Double] {
    var result: [String: Double] = [:]
    for rings in try Geometry(wkt: wkt).polygonRings() {
      LatticeCoverage.cover(PolygonRings(rings: rings), on: SquareGrid(cellSize: cell).lattice) {
        result["\($0),\($1)", default: 0] += $2
      }
    }
    return result
  }

  @Test func unitSquareSplitOverFourCells() throws {
    // A unit square centred on the corner shared by four cells of size 1.
    let cells = try coverage(
      "POLYGON ((-0.5 -0.5, 0.5 -0.5, 0.5 0.5, -0.5 0.5, -0.5 -0.5))", cell: 1)
    #expect(cells == ["-1,-1": 0.25, "0,-1": 0.25, "-1,0": 0.25, "0,0": 0.25])
  }

  @Test func squareOnCellEdgesTouchesNoNeighbour() throws {
    let cells = try coverage("POLYGON ((10 10, 20 10, 20 20, 10 20, 10 10))", cell: 10)
    #expect(cells == ["1,1": 100])
  }

  @Test func ringWithAHole() throws {
    // 4 x 4 square with a 2 x 2 hole in the middle, cells of 2: each cell is 3/4 covered.
    let cells = try coverage(
      "POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 1 3, 3 3, 3 1, 1 1))", cell: 2)
    #expect(cells == ["0,0": 3, "1,0": 3, "0,1": 3, "1,1": 3])
  }

  @Test func concavePolygonMatchesGEOS() throws {
    // A U shape whose arms cross cells: compare every cell with GEOS intersections.
    let wkt =
      "POLYGON ((0.3 0.2, 5.7 0.4, 5.5 4.8, 4.1 4.9, 4.2 1.3, 1.6 1.1, 1.4 4.6, 0.2 4.7, 0.3 0.2))"
    let polygon = try Geometry(wkt: wkt)
    let cells = try coverage(wkt, cell: 1)
    var total = 0.0
    for column in -1...6 {
      for row in -1...6 {
        let box = Geometry.rectangle(
          Envelope(
            minX: Double(column), minY: Double(row), maxX: Double(column + 1), maxY: Double(row + 1)
          ))
        let expected = try polygon.intersection(with: box).area
        let actual = cells["\(column),\(row)"] ?? 0
        #expect(abs(actual - expected) < 1e-12, "cell \(column),\(row)")
        total += actual
      }
    }
    #expect(abs(total - polygon.area) < 1e-12)
  }

  @Test func hexagonAreasAndCentres() {
    let grid = HexGrid(spacing: 100)
    #expect(abs(grid.cellArea - 8660.254037844386) < 1e-9)
    #expect(grid.centre(column: 0, row: 0) == SIMD2(0, 0))
    #expect(grid.centre(column: 2, row: 1) == SIMD2(250, 1.5 * 100 / 3.0.squareRoot()))
    #expect(grid.centre(column: 0, row: -1).x == 50)
    let ring = PolygonRings(rings: [grid.vertices(column: 3, row: -2)])
    #expect(abs(ring.area - grid.cellArea) < 1e-9)
  }

  @Test func hexagonsTileTheSquareExactly() throws {
    let grid = HexGrid(spacing: 7)
    let square = try Geometry(wkt: "POLYGON ((3 2, 53 2, 53 41, 3 41, 3 2))")
    var total = 0.0
    var cells: [String: Double] = [:]
    for rings in square.polygonRings() {
      HexCoverage.cover(PolygonRings(rings: rings), on: grid) {
        cells["\($0),\($1)", default: 0] += $2
        total += $2
      }
    }
    #expect(abs(total - square.area) < 1e-9)
    // Every hexagon compares with a GEOS intersection.
    for (key, area) in cells {
      let parts = key.split(separator: ",").compactMap { Int($0) }
      let hexagon = try Geometry.polygon(rings: [grid.vertices(column: parts[0], row: parts[1])])
      #expect(abs(try hexagon.intersection(with: square).area - area) < 1e-9)
      #expect(area <= grid.cellArea + 1e-9)
    }
  }

  @Test func inspireIdentifiers() {
    let grid = SquareGrid(cellSize: 1000, inspire: true)
    #expect(grid.inspireIdentifier(column: 3760, row: 2890) == "CRS3035RES1000mN2890000E3760000")
    #expect(
      SquareGrid(cellSize: 200).inspireIdentifier(column: 5, row: 7) == "CRS3035RES200mN1400E1000")
  }

  @Test func cellsCoveringABox() {
    let grid = SquareGrid(cellSize: 100)
    let cells = grid.cells(covering: Envelope(minX: -50, minY: 0, maxX: 200, maxY: 99))
    #expect(cells.columns == -1...1)
    #expect(cells.rows == 0...0)
  }
}
