import GeoCore
import Testing

@testable import Analysis

/// How a scale's table is held: neighbours of grid cells found in a table over
/// the cells' box instead of lists, and values by column instead of rows.
@Suite("scale table storage")
struct ScaleTableStorageTests {
  /// The neighbours of `key` among `keys` by their definition: for squares,
  /// every cell one step away in any direction; for pointy-top hexagons with
  /// odd rows shifted right, the six whose centres are one spacing away.
  private func expected(_ key: TargetKey, among keys: Set<TargetKey>, hexagonal: Bool)
    -> Set<TargetKey>
  {
    var found = Set<TargetKey>()
    for dy in -1...1 {
      for dx in -1...1 where dx != 0 || dy != 0 {
        let other = TargetKey(column: key.column + dx, row: key.row + dy)
        guard keys.contains(other) else { continue }
        if hexagonal {
          // Centre x of a hexagon: column + 0.5 on odd rows.
          let x = Double(key.column) + (key.row & 1 == 1 ? 0.5 : 0)
          let otherX = Double(other.column) + (other.row & 1 == 1 ? 0.5 : 0)
          let distance = dy == 0 ? abs(otherX - x) : abs(otherX - x) + 0.5
          guard distance <= 1 else { continue }
        }
        found.insert(other)
      }
    }
    return found
  }

  /// Cells with holes, a ragged edge and negative columns and rows; `scatter`
  /// adds a far-away island so that the graph keeps lists instead of a table.
  private func cells(scatter: Bool) -> [TargetKey] {
    var keys: [TargetKey] = []
    for row in -7...9 {
      for column in -5...12 where (column * 7 + row * 3) % 5 != 0 && column < row + 8 {
        keys.append(TargetKey(column: column, row: row))
      }
    }
    if scatter {
      keys += [TargetKey(column: 50_000, row: 40_000), TargetKey(column: 50_001, row: 40_001)]
    }
    return keys.sorted()
  }

  @Test(
    "grid cells' neighbours are the cells around them, with or without a table",
    arguments: [false, true])
  func latticeNeighbours(scatter: Bool) {
    let keys = cells(scatter: scatter)
    let all = Set(keys)
    for hexagonal in [false, true] {
      let graph = hexagonal ? NeighbourGraph.hexagons(keys) : NeighbourGraph.squares(keys)
      #expect(graph.count == keys.count)
      for (index, key) in keys.enumerated() {
        let found = graph.neighbours(of: index).map { keys[$0] }
        #expect(found.count == Set(found).count, "\(key): a neighbour twice")
        #expect(
          Set(found) == expected(key, among: all, hexagonal: hexagonal),
          "\(hexagonal ? "hexagon" : "square") \(key)")
      }
      #expect(graph.neighbours(of: keys.count).isEmpty)
      #expect(graph.neighbours(of: -1).isEmpty)
    }
    // The far island's two cells touch at a corner.
    if scatter {
      let graph = NeighbourGraph.squares(keys)
      #expect(graph.neighbours(of: keys.count - 1) == [keys.count - 2])
    }
  }

  @Test("lists come back as given, in order")
  func listsKeepTheirOrder() {
    let lists = [[3, 1], [], [0], [2, 0, 1]]
    let graph = NeighbourGraph(lists: lists)
    #expect(graph.count == 4)
    #expect((0..<4).map { graph.neighbours(of: $0) } == lists)
    #expect(NeighbourGraph(lists: []).neighbours(of: 0).isEmpty)
  }

  @Test("a square grid's statistics are the same from the table as from lists")
  func moransIFromTableAndLists() {
    let keys = cells(scatter: false)
    let values = keys.map { key -> Double? in
      key.column == 3 ? nil : Double((key.column * 13 + key.row * 7) % 11) + Double(key.row) / 3
    }
    let graph = NeighbourGraph.squares(keys)
    let lists = (0..<keys.count).map { graph.neighbours(of: $0) }
    let fromTable = ScaleStatistics(values: values, neighbours: graph)
    let fromLists = ScaleStatistics(values: values, neighbours: lists)
    #expect(fromTable.moransI != nil)
    #expect(fromTable.moransI == fromLists.moransI)
    #expect(fromTable.gini == fromLists.gini)
  }

  @Test("columns read from the sums give the rows of ValueTable, value for value")
  func columnsMatchValueTable() throws {
    let units = try StripedInterpolationTests().olindaSources()
    let grid = GridShape.square(SquareGrid(cellSize: 100))
    let polygons = InterpolationTargets.polygons(units.prefix(40).map(\.shape) + [nil])
    for targets in [grid.targets, polygons] {
      func run<T>(
        _ body: ([SourceUnit], InterpolationTargets, [String], [String], [String], Int) throws -> T
      ) rethrows -> T {
        try body(units, targets, ["V014"], ["density"], ["TIPO"], 2)
      }
      let materialized = try run {
        try ArealInterpolation.interpolate(
          $0, onto: $1, extensiveNames: $2, intensiveNames: $3, categoricalNames: $4, threads: $5)
      }
      let (result, cells) = try run {
        try ArealInterpolation.interpolateInPlace(
          $0, onto: $1, extensiveNames: $2, intensiveNames: $3, categoricalNames: $4, threads: $5)
      }
      #expect(result.targets.isEmpty)
      #expect(result.balances == materialized.balances)
      #expect(result.categorical.map(\.categories) == materialized.categorical.map(\.categories))
      #expect(cells.count == materialized.targets.count && cells.count > 40)
      for coveredArea in [false, true] {
        let table = ValueTable(materialized, coveredArea: coveredArea)
        let columns = ScaleTable.interpolatedColumns(cells, of: result, coveredArea: coveredArea)
        #expect(columns.count == table.fields.count)
        let rows = ScaleTable.Rows(columns: columns, endIndex: cells.count)
        #expect(rows.count == table.rows.count)
        var differing = 0
        for (row, expected) in zip(rows, table.rows) where row != expected.values {
          differing += 1
        }
        #expect(differing == 0)
      }
      // Targets have shares of the categories, but the polygon without a
      // geometry has none.
      let shares = try #require(
        ScaleTable.interpolatedColumns(cells, of: result, coveredArea: false).last)
      #expect((0..<cells.count).contains { shares[$0] != .null })
      if targets.isPolygons { #expect(shares[cells.count - 1] == .null) }
    }
    #expect(ScaleTable.Column.optionalNumbers([1, nil]).doubleValues == [1, nil])
    #expect(ScaleTable.Column.integers([4]).doubleValues == [4])
    #expect(ScaleTable.Column.values([.string("a"), .real(2)]).doubleValues == [nil, 2])
  }
}
