/// Running sums per target, in flat arrays (one slot per target), filled source by
/// source in input order so that results do not depend on threads.
struct Accumulator {
  let extensiveCount: Int
  let intensiveCount: Int
  let categoricalCount: Int
  private(set) var keys: [TargetKey] = []
  private var slots: [TargetKey: Int] = [:]
  /// For grids: the slot of every cell of the pieces' bounding range, row-major
  /// (-1 where no slot yet), which avoids hashing a million keys.
  private var dense: (columns: ClosedRange<Int>, rows: ClosedRange<Int>, table: [Int32])?
  private var covered: [Double] = []
  private var extensive: [Double] = []
  private var intensiveSum: [Double] = []
  private var intensiveArea: [Double] = []
  private var categories: CategoryAreas

  /// - Parameter capacity: the targets expected (an upper bound saves regrowing
  ///   the arrays; the pieces' count is one).
  init(
    extensiveCount: Int, intensiveCount: Int, categoricalCount: Int,
    denseRange: (columns: ClosedRange<Int>, rows: ClosedRange<Int>)? = nil, capacity: Int = 0
  ) {
    self.extensiveCount = extensiveCount
    self.intensiveCount = intensiveCount
    self.categoricalCount = categoricalCount
    categories = CategoryAreas(variables: categoricalCount)
    keys.reserveCapacity(capacity)
    covered.reserveCapacity(capacity)
    extensive.reserveCapacity(capacity * extensiveCount)
    intensiveSum.reserveCapacity(capacity * intensiveCount)
    intensiveArea.reserveCapacity(capacity * intensiveCount)
    categories.reserve(targets: capacity)
    if let denseRange {
      let size = denseRange.columns.count * denseRange.rows.count
      dense = (denseRange.columns, denseRange.rows, [Int32](repeating: -1, count: size))
    }
  }

  @inline(__always) private func denseIndex(_ key: TargetKey) -> Int? {
    guard let dense, dense.columns.contains(key.column), dense.rows.contains(key.row) else {
      return nil
    }
    return (key.row - dense.rows.lowerBound) * dense.columns.count
      + (key.column - dense.columns.lowerBound)
  }

  /// The slot of `key`, created on first use.
  mutating func slot(for key: TargetKey) -> Int {
    let index = denseIndex(key)
    if let index {
      let found = dense!.table[index]
      if found >= 0 { return Int(found) }
    } else if let slot = slots[key] {
      return slot
    }
    let slot = keys.count
    if let index { dense!.table[index] = Int32(slot) } else { slots[key] = slot }
    keys.append(key)
    covered.append(0)
    // Element by element: `append(contentsOf: repeatElement(...))` took a fifth of
    // the accumulation (perf) for the one or two values of a typical slot.
    for _ in 0..<extensiveCount { extensive.append(0) }
    for _ in 0..<intensiveCount {
      intensiveSum.append(0)
      intensiveArea.append(0)
    }
    categories.addTarget()
    return slot
  }

  /// Adds one piece of `unit`: `area` of it lies in target `key`, and `weight`
  /// of its extensive values go there.
  mutating func add(_ unit: SourceUnit, area: Double, weight: Double, to key: TargetKey) {
    let slot = slot(for: key)
    covered[slot] += area
    for (variable, value) in unit.extensive.enumerated() {
      if let value { extensive[slot * extensiveCount + variable] += value * weight }
    }
    for (variable, value) in unit.intensive.enumerated() {
      guard let value else { continue }
      intensiveSum[slot * intensiveCount + variable] += value * area
      intensiveArea[slot * intensiveCount + variable] += area
    }
    for (variable, category) in unit.categories.enumerated() {
      if let category { categories.add(area, of: category, variable: variable, slot: slot) }
    }
  }

  /// Each categorical variable's categories, sorted.
  func sortedCategories() -> [[String]] { categories.sortedNames() }

  /// The targets' sums read in place (in row-major order when `sorted`, else in
  /// slot order), without a `TargetValues` per target; `categoryColumns` are the
  /// categories each categorical variable writes as columns.
  func cells(sorted: Bool, categoryColumns: [[String]]) -> InterpolatedCells {
    var order = keys.indices.map { Int32($0) }
    if sorted, let dense, slots.isEmpty {
      order = dense.table.filter { $0 >= 0 }  // already row-major
    } else if sorted {
      order.sort { keys[Int($0)] < keys[Int($1)] }
    }
    return InterpolatedCells(
      order: order, positions: order.indices,
      sums: InterpolatedCells.Sums(
        keys: keys, covered: covered, extensive: extensive, intensiveSum: intensiveSum,
        intensiveArea: intensiveArea, categoryAreas: categories.reading(columns: categoryColumns),
        extensiveCount: extensiveCount,
        intensiveCount: intensiveCount, categoricalCount: categoricalCount,
        categoryColumns: categoryColumns))
  }
}
