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

  @Test("columns give the rows of ValueTable, value for value")
  func columnsMatchValueTable() {
    let targets = (0..<5).map { index in
      TargetValues(
        key: TargetKey(column: index, row: 2), coveredArea: Double(index) * 10.5,
        extensive: [Double(index), Double(index) * 2],
        intensive: [index == 2 ? nil : Double(index) / 4],
        categoryShares: [index == 4 ? [:] : ["a": 0.25, "b": 0.75], ["x": 1]])
    }
    let result = InterpolationResult(
      targets: targets, extensiveNames: ["P", "Q"], intensiveNames: ["R"],
      categorical: [
        (name: "kind", categories: ["a", "b", "c"]), (name: "use", categories: ["x"]),
      ],
      balances: [], rule: .coveredAreaShare, sourceCount: 5)
    for coveredArea in [false, true] {
      let table = ValueTable(result, coveredArea: coveredArea)
      let columns = ScaleTable.interpolatedColumns(result, coveredArea: coveredArea)
      #expect(columns.count == table.fields.count)
      let rows = ScaleTable.Rows(columns: columns, endIndex: targets.count)
      #expect(rows.count == table.rows.count)
      for (row, expected) in zip(rows, table.rows) { #expect(row == expected.values) }
    }
    #expect(ScaleTable.Column.optionalNumbers([1, nil]).doubleValues == [1, nil])
    #expect(ScaleTable.Column.integers([4]).doubleValues == [4])
    #expect(ScaleTable.Column.values([.string("a"), .real(2)]).doubleValues == [nil, 2])
  }
}
