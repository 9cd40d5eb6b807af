import GeoCore
import Testing

@testable import Analysis

/// The flat store of category areas per target (`CategoryAreas`), against
/// hand-computed areas and against a dictionary per target and variable.
@Suite("category areas")
struct CategoryAreasTests {
  @Test func areasTotalsAndSharesByHand() {
    var store = CategoryAreas(variables: 2)
    for _ in 0..<3 { store.addTarget() }
    store.add(1.0, of: "urban", variable: 0, slot: 0)
    store.add(0.5, of: "rural", variable: 0, slot: 0)
    store.add(0.25, of: "urban", variable: 0, slot: 0)
    store.add(2, of: "b", variable: 1, slot: 0)
    store.add(1, of: "a", variable: 1, slot: 1)
    #expect(store.sortedNames() == [["rural", "urban"], ["a", "b"]])
    let reading = store.reading(columns: [["rural", "urban"], ["a", "b"]])
    #expect(reading.areas(0, 0) == ["urban": 1.25, "rural": 0.5])
    #expect(reading.total(0, 0) == 1.75)
    #expect(reading.shares(0, 0, columns: 2) == [0.5 / 1.75, 1.25 / 1.75])
    #expect(reading.shares(0, 1, columns: 2) == [0, 1])
    #expect(reading.shares(1, 1, columns: 2) == [1, 0])
    #expect(reading.shares(1, 0, columns: 2) == nil)
    #expect(reading.shares(2, 1, columns: 2) == nil)
    #expect(reading.areas(2, 0).isEmpty)
    // A category that is not a column still counts in the total.
    let urbanOnly = store.reading(columns: [["urban"], []])
    #expect(urbanOnly.shares(0, 0, columns: 1) == [1.25 / 1.75])
  }

  /// The total is summed in the order of the names, whatever order the
  /// categories came in: 1 + 1 + 1e16 keeps both ones, 1e16 + 1 + 1 loses them.
  @Test func totalSummedInNameOrder() {
    var store = CategoryAreas(variables: 1)
    store.addTarget()
    store.add(1e16, of: "c", variable: 0, slot: 0)
    store.add(1, of: "a", variable: 0, slot: 0)
    store.add(1, of: "b", variable: 0, slot: 0)
    #expect(store.reading(columns: [["a", "b", "c"]]).total(0, 0) == 1e16 + 2)
  }

  /// Random areas of random categories, in random targets and variables, read
  /// back as a dictionary per target and variable holds them.
  @Test func matchesDictionariesOnRandomAdditions() {
    var random = SeededGenerator(seed: 41)
    let variables = 3
    let targets = 200
    let categories = ["forest", "urban", "water", "crops", "bare", "wetland", "rock"]
    var store = CategoryAreas(variables: variables)
    var expected = [[String: Double]](repeating: [:], count: targets * variables)
    for _ in 0..<targets { store.addTarget() }
    for _ in 0..<5_000 {
      let slot = Int.random(in: 0..<targets, using: &random)
      let variable = Int.random(in: 0..<variables, using: &random)
      let category = categories[Int.random(in: 0..<categories.count, using: &random)]
      let area = Double.random(in: 0..<10, using: &random)
      store.add(area, of: category, variable: variable, slot: slot)
      expected[slot * variables + variable][category, default: 0] += area
    }
    let columns = store.sortedNames()
    let reading = store.reading(columns: columns)
    for slot in 0..<targets {
      for variable in 0..<variables {
        let areas = expected[slot * variables + variable]
        let total = areas.keys.sorted().reduce(0) { $0 + areas[$1]! }
        #expect(reading.areas(slot, variable) == areas)
        #expect(reading.total(slot, variable) == total)
        let shares = reading.shares(slot, variable, columns: columns[variable].count)
        #expect(shares == (total > 0 ? columns[variable].map { (areas[$0] ?? 0) / total } : nil))
      }
    }
  }
}
