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
  private var categories: [[String: Double]] = []

  init(
    extensiveCount: Int, intensiveCount: Int, categoricalCount: Int,
    denseRange: (columns: ClosedRange<Int>, rows: ClosedRange<Int>)? = nil
  ) {
    self.extensiveCount = extensiveCount
    self.intensiveCount = intensiveCount
    self.categoricalCount = categoricalCount
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
    extensive.append(contentsOf: repeatElement(0, count: extensiveCount))
    intensiveSum.append(contentsOf: repeatElement(0, count: intensiveCount))
    intensiveArea.append(contentsOf: repeatElement(0, count: intensiveCount))
    categories.append(contentsOf: repeatElement([:], count: categoricalCount))
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
      if let category {
        categories[slot * categoricalCount + variable][category, default: 0] += area
      }
    }
  }

  /// The targets' values (in row-major order when `sorted`, else in slot order)
  /// and each categorical variable's sorted categories.
  func finish(sorted: Bool) -> ([TargetValues], [[String]]) {
    var order = Array(keys.indices)
    if sorted, let dense, slots.isEmpty {
      order = dense.table.compactMap { $0 >= 0 ? Int($0) : nil }  // already row-major
    } else if sorted {
      order.sort { keys[$0] < keys[$1] }
    }
    var seen = [Set<String>](repeating: [], count: categoricalCount)
    let values = order.map { slot -> TargetValues in
      let intensive = (0..<intensiveCount).map { variable -> Double? in
        let area = intensiveArea[slot * intensiveCount + variable]
        return area > 0 ? intensiveSum[slot * intensiveCount + variable] / area : nil
      }
      let shares = (0..<categoricalCount).map { variable -> [String: Double] in
        let areas = categories[slot * categoricalCount + variable]
        // Summed in category order: a dictionary's own order varies from one
        // instance to the next, and with it the rounding of the total.
        let total = areas.keys.sorted().reduce(0) { $0 + areas[$1]! }
        seen[variable].formUnion(areas.keys)
        return total > 0 ? areas.mapValues { $0 / total } : [:]
      }
      return TargetValues(
        key: keys[slot], coveredArea: covered[slot],
        extensive: Array(extensive[(slot * extensiveCount)..<((slot + 1) * extensiveCount)]),
        intensive: intensive, categoryShares: shares)
    }
    return (values, seen.map { $0.sorted() })
  }
}
