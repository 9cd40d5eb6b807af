import Foundation
import TestFixtures
import Testing

@testable import Analysis

/// The statistics of a square grid's shifted placements come from a table made
/// without identifiers and category shares (`LoadedSite.placementStatistics`);
/// they must be those of the whole table of the same placement.
@Suite("Statistics of shifted placements")
struct PlacementStatisticsTests {
  @Test func asFromTheWholeTable() throws {
    let manifest = try ManifestReader.read(
      Fixtures.root.appendingPathComponent("Data/sites/olinda").path)
    let site = try LoadedSite(manifest)
    let scale = try #require(manifest.scales.first { $0.name == "grid200" })
    for shift in [SIMD2(100.0, 0), SIMD2(100.0, 100)] {
      let whole = try site.table(for: scale, shift: shift)
      // The sample site's tract type is categorical: its shares are left out.
      #expect(whole.fields.contains { $0.name.hasPrefix("TIPO_") })
      #expect(whole.fields.contains { $0.name == "col" })
      let expected = whole.indicators.map {
        ScaleStatistics(values: $0.values, neighbours: whole.neighbours)
      }
      #expect(expected.count >= 3)
      #expect(expected.allSatisfy { $0.count > 0 })
      #expect(try site.placementStatistics(for: scale, shift: shift) == expected)
    }
  }
}

/// A grid scale is interpolated stripe by stripe (`ScaleTable.gridColumns`);
/// its table must hold what interpolating every cell at once gives.
@Suite("Grid scales interpolated by stripes")
struct GridColumnsTests {
  @Test(arguments: ["grid200", "hex500"])
  func asInterpolatedAtOnce(scaleName: String) throws {
    let manifest = try ManifestReader.read(
      Fixtures.root.appendingPathComponent("Data/sites/olinda").path)
    let site = try LoadedSite(manifest)
    let scale = try #require(manifest.scales.first { $0.name == scaleName })
    guard case .grid(let hexagonal, let cell) = scale.kind else {
      Issue.record("\(scaleName) is not a grid")
      return
    }
    let shape: GridShape =
      hexagonal ? .hexagon(HexGrid(spacing: cell)) : .square(SquareGrid(cellSize: cell))
    let (result, cells) = try ArealInterpolation.interpolateInPlace(
      site.units, onto: shape.targets, extensiveNames: site.extensive,
      intensiveNames: site.intensive, categoricalNames: site.categorical, threads: 1)
    let expected = ScaleTable.interpolatedColumns(cells, of: result, coveredArea: true)
    #expect(result.categorical.first?.categories.count == 2)
    for (stripeCells, threads) in [(100, 1), (100, 2), (1 << 18, 2)] {
      site.gridStripeCells = stripeCells
      site.threads = threads
      let table = try site.table(for: scale)
      #expect(table.count == cells.count)
      let names = ["col", "row"] + ValueTable.fields(of: result, coveredArea: true).map(\.name)
      #expect(Array(table.fields.map(\.name).prefix(names.count)) == names)
      // Compared whole, and not printed when they differ: they are long.
      let keys = cells.indices.map(cells.key)
      let sameColumns = table.columns[0].doubleValues == keys.map { Double($0.column) }
      let sameRows = table.columns[1].doubleValues == keys.map { Double($0.row) }
      let sameValues =
        table.columns[2..<(2 + expected.count)].map(\.doubleValues) == expected.map(\.doubleValues)
      #expect(sameColumns && sameRows, "\(scaleName), stripes of \(stripeCells) cells")
      #expect(sameValues, "\(scaleName), stripes of \(stripeCells) cells, \(threads) threads")
      #expect(table.balances == result.balances)
    }
  }
}
