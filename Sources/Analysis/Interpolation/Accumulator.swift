/// Running sums per target, in flat arrays (one slot per target), filled source by
/// source in input order so that results do not depend on threads.
struct Accumulator {
  let extensiveCount: Int
  let intensiveCount: Int
  let categoricalCount: Int
  private(set) var keys: [TargetKey] = []
  private var slots: [TargetKey: Int] = [:]
  private var covered: [Double] = []
  private var extensive: [Double] = []
  private var intensiveSum: [Double] = []
  private var intensiveArea: [Double] = []
  private var categories: [[String: Double]] = []

  init(extensiveCount: Int, intensiveCount: Int, categoricalCount: Int) {
    self.extensiveCount = extensiveCount
    self.intensiveCount = intensiveCount
    self.categoricalCount = categoricalCount
  }

  /// The slot of `key`, created on first use.
  mutating func slot(for key: TargetKey) -> Int {
    if let slot = slots[key] { return slot }
    let slot = keys.count
    slots[key] = slot
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
    if sorted { order.sort { keys[$0] < keys[$1] } }
    var seen = [Set<String>](repeating: [], count: categoricalCount)
    let values = order.map { slot -> TargetValues in
      let intensive = (0..<intensiveCount).map { variable -> Double? in
        let area = intensiveArea[slot * intensiveCount + variable]
        return area > 0 ? intensiveSum[slot * intensiveCount + variable] / area : nil
      }
      let shares = (0..<categoricalCount).map { variable -> [String: Double] in
        let areas = categories[slot * categoricalCount + variable]
        let total = areas.values.reduce(0, +)
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
