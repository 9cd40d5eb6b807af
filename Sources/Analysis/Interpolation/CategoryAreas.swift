/// The area of each category of the categorical variables in each target, held
/// flat: a short chain of entries per target and variable in one array, the
/// categories by number.
///
/// Why not a dictionary per target and variable: on Olinda with 5 m and 10 m
/// squares (2.1 million cells and one categorical variable) those dictionaries
/// were 200 MB, a quarter of `analyze`'s heap at its peak (heaptrack), for
/// cells that mostly hold one category. An entry here is 16 bytes, and a chain
/// head 4.
struct CategoryAreas: Sendable {
  /// One category's area in one target: `next` is the chain's next entry, or -1.
  private struct Entry: Sendable {
    var category: Int32
    var next: Int32
    var area: Double
  }

  /// The number of categorical variables.
  let variables: Int
  /// Per variable, the categories in the order first met; a category's number
  /// is its position here.
  private(set) var names: [[String]]
  private var numbers: [[String: Int32]]
  /// Per target and variable (`slot * variables + variable`), its chain's
  /// first entry, or -1.
  private var heads: [Int32] = []
  private var entries: [Entry] = []

  /// An empty store for `variables` categorical variables.
  init(variables: Int) {
    self.variables = variables
    names = Array(repeating: [], count: variables)
    numbers = Array(repeating: [:], count: variables)
  }

  /// Room for `targets` targets without regrowing.
  mutating func reserve(targets: Int) {
    heads.reserveCapacity(targets * variables)
  }

  /// Adds a target (slot) with no area yet.
  mutating func addTarget() {
    for _ in 0..<variables { heads.append(-1) }
  }

  /// Adds `area` of `category` of variable `variable` to target `slot`.
  mutating func add(_ area: Double, of category: String, variable: Int, slot: Int) {
    let number: Int32
    if let known = numbers[variable][category] {
      number = known
    } else {
      number = Int32(names[variable].count)
      names[variable].append(category)
      numbers[variable][category] = number
    }
    let head = slot * variables + variable
    var index = heads[head]
    while index >= 0 {
      if entries[Int(index)].category == number {
        entries[Int(index)].area += area
        return
      }
      index = entries[Int(index)].next
    }
    precondition(entries.count < Int(Int32.max), "more than 2^31 category areas")
    entries.append(Entry(category: number, next: heads[head], area: area))
    heads[head] = Int32(entries.count - 1)
  }

  /// Each variable's categories met, sorted.
  func sortedNames() -> [[String]] { names.map { $0.sorted() } }

  /// How targets' areas are read: the total of a target's categories is summed
  /// in the order of their names (as a dictionary's sorted keys would be), and
  /// `columns` are the categories written as columns, per variable.
  func reading(columns: [[String]]) -> Reading {
    Reading(
      store: self,
      ranks: names.map { names in
        let sorted = names.indices.sorted { names[$0] < names[$1] }
        var ranks = [Int32](repeating: 0, count: names.count)
        for (rank, number) in sorted.enumerated() { ranks[number] = Int32(rank) }
        return ranks
      },
      columnOf: zip(names, columns).map { names, columns in
        let position = Dictionary(
          columns.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { first, _ in first })
        return names.map { position[$0] ?? -1 }
      })
  }

  /// A store made ready to read (`reading(columns:)`).
  struct Reading: Sendable {
    fileprivate let store: CategoryAreas
    /// Per variable and category number, the category's rank by name.
    fileprivate let ranks: [[Int32]]
    /// Per variable and category number, its column, or -1.
    fileprivate let columnOf: [[Int32]]

    /// The areas of target `slot` per category of `variable`, by name.
    func areas(_ slot: Int, _ variable: Int) -> [String: Double] {
      var areas: [String: Double] = [:]
      forEachEntry(slot, variable) { number, area in
        areas[store.names[variable][Int(number)]] = area
      }
      return areas
    }

    /// The total area of target `slot` with a category of `variable`, summed
    /// in the order of the categories' names.
    func total(_ slot: Int, _ variable: Int) -> Double {
      // Most targets hold one category: no order to keep, nothing to allocate.
      let head = store.heads[slot * store.variables + variable]
      guard head >= 0 else { return 0 }
      let first = store.entries[Int(head)]
      if first.next < 0 { return 0 + first.area }
      var ranked: [(Int32, Double)] = []
      forEachEntry(slot, variable) { number, area in
        ranked.append((ranks[variable][Int(number)], area))
      }
      ranked.sort { $0.0 < $1.0 }
      return ranked.reduce(0) { $0 + $1.1 }
    }

    /// The share of target `slot`'s categorised area in each column of
    /// `variable` (0 for a column it lacks), or `nil` when it has no such area.
    func shares(_ slot: Int, _ variable: Int, columns: Int) -> [Double]? {
      let total = total(slot, variable)
      guard total > 0 else { return nil }
      var shares = [Double](repeating: 0, count: columns)
      forEachEntry(slot, variable) { number, area in
        let column = columnOf[variable][Int(number)]
        if column >= 0 { shares[Int(column)] = area / total }
      }
      return shares
    }

    private func forEachEntry(_ slot: Int, _ variable: Int, _ body: (Int32, Double) -> Void) {
      var index = store.heads[slot * store.variables + variable]
      while index >= 0 {
        let entry = store.entries[Int(index)]
        body(entry.category, entry.area)
        index = entry.next
      }
    }
  }
}
