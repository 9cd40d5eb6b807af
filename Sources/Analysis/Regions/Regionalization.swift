import GeoCore

/// Contiguous regions drawn from the data on a contiguity graph: max-p
/// (Duque, Anselin and Rey 2012: as many regions as possible, each reaching a
/// floor, then made homogeneous), SKATER (Assunção et al. 2006: cuts of a
/// minimum spanning tree) and AZP (Openshaw 1977: a random start improved by
/// moving units between regions). Homogeneity is the sum over regions of the
/// squared deviations of the units' standardised attributes from their
/// region's mean (SSD); every move keeps regions contiguous and at the floor.
struct Regionalization {
  let neighbours: [[Int]]
  /// The value each unit brings towards the floor.
  let floorValues: [Double]
  /// The floor every region must reach (0: none).
  let floor: Double
  /// Standardised attributes, one row per unit.
  let attributes: [[Double]]

  var count: Int { neighbours.count }
  private var dimensions: Int { attributes.first?.count ?? 0 }

  /// Running sums of a region, for its SSD in O(dimensions).
  struct Sums {
    var count = 0
    var floor = 0.0
    var sum: [Double]
    var squares: [Double]

    init(dimensions: Int) {
      sum = [Double](repeating: 0, count: dimensions)
      squares = sum
    }

    var ssd: Double {
      guard count > 0 else { return 0 }
      var total = 0.0
      for d in sum.indices { total += squares[d] - sum[d] * sum[d] / Double(count) }
      return max(0, total)
    }

    mutating func add(_ x: [Double], floor value: Double, sign: Double = 1) {
      count += sign > 0 ? 1 : -1
      floor += sign * value
      for d in x.indices {
        sum[d] += sign * x[d]
        squares[d] += sign * x[d] * x[d]
      }
    }
  }

  /// The sums of each region of `labels` (regions numbered 0..<k).
  func sums(_ labels: [Int], regions k: Int) -> [Sums] {
    var sums = [Sums](repeating: Sums(dimensions: dimensions), count: k)
    for unit in 0..<count { sums[labels[unit]].add(attributes[unit], floor: floorValues[unit]) }
    return sums
  }

  /// The SSD of a partition.
  func objective(_ labels: [Int]) -> Double {
    let k = (labels.max() ?? -1) + 1
    return sums(labels, regions: k).reduce(0) { $0 + $1.ssd }
  }

  // MARK: max-p

  /// As many regions as possible, each reaching the floor, over `iterations`
  /// random growths; the best growths then improved by local search.
  func maxP(iterations: Int, generator: inout SeededGenerator) -> [Int] {
    var candidates: [(labels: [Int], regions: Int, ssd: Double)] = []
    for iteration in 0..<max(1, iterations) {
      // The growths take turns: the most similar neighbour, the first that
      // joined the frontier (compact regions, which leave fewer units cut
      // off), a random one, and the one that fits the floor best.
      let order = GrowthOrder.allCases[iteration % GrowthOrder.allCases.count]
      guard let grown = grow(order, generator: &generator) else { continue }
      let split = splitLarge(grown.labels, regions: grown.regions)
      candidates.append((split.labels, split.regions, objective(split.labels)))
    }
    let most = candidates.map(\.regions).max() ?? 1
    let best = candidates.filter { $0.regions == most }.sorted { $0.ssd < $1.ssd }.prefix(3)
    var chosen: (labels: [Int], ssd: Double)?
    for candidate in best {
      let improved = localSearch(candidate.labels, regions: most, generator: &generator)
      let ssd = objective(improved)
      if chosen == nil || ssd < chosen!.ssd { chosen = (improved, ssd) }
    }
    return chosen?.labels ?? [Int](repeating: 0, count: count)
  }

  /// One growth: seeds in random order, each region grown by its most similar
  /// unassigned neighbour until it reaches the floor; regions that cannot are
  /// dissolved and their units (enclaves) join the most similar neighbouring
  /// region.
  /// Which frontier unit a growing region takes next.
  enum GrowthOrder: CaseIterable {
    /// The one that adds least to its SSD.
    case similar
    /// The one that joined the frontier first (breadth first).
    case compact
    /// A random one.
    case random
    /// The one that completes the floor with the least to spare, else the
    /// largest: regions just at the floor leave more units for the others.
    case fit
  }

  func grow(_ order: GrowthOrder, generator: inout SeededGenerator) -> (
    labels: [Int], regions: Int
  )? {
    var labels = [Int](repeating: -1, count: count)
    var regions: [Sums] = []
    var enclaves: [Int] = []
    var inFrontier = [Bool](repeating: false, count: count)
    for seed in (0..<count).shuffled(using: &generator) where labels[seed] == -1 {
      let id = regions.count
      var sums = Sums(dimensions: dimensions)
      var members = [seed]
      labels[seed] = id
      sums.add(attributes[seed], floor: floorValues[seed])
      // The frontier in the order units joined it (no Set: its order changes
      // from run to run, and with it the regions of a seed).
      var frontier = neighbours[seed].filter { labels[$0] == -1 }
      for unit in frontier { inFrontier[unit] = true }
      while sums.floor < floor, !frontier.isEmpty {
        let position: Int
        switch order {
        case .random: position = Int.random(in: 0..<frontier.count, using: &generator)
        case .compact: position = 0
        case .fit:
          let missing = floor - sums.floor
          let completing = frontier.indices.filter { floorValues[frontier[$0]] >= missing }
          position =
            completing.min {
              (floorValues[frontier[$0]], frontier[$0]) < (floorValues[frontier[$1]], frontier[$1])
            }
            ?? frontier.indices.max {
              (floorValues[frontier[$0]], -frontier[$0]) < (
                floorValues[frontier[$1]], -frontier[$1]
              )
            }!
        case .similar:
          position = frontier.indices.min {
            (increase(sums, frontier[$0]), frontier[$0])
              < (increase(sums, frontier[$1]), frontier[$1])
          }!
        }
        let next = frontier.remove(at: position)
        inFrontier[next] = false
        labels[next] = id
        members.append(next)
        sums.add(attributes[next], floor: floorValues[next])
        for other in neighbours[next] where labels[other] == -1 && !inFrontier[other] {
          frontier.append(other)
          inFrontier[other] = true
        }
      }
      for unit in frontier { inFrontier[unit] = false }
      if sums.floor >= floor {
        regions.append(sums)
      } else {
        for unit in members { labels[unit] = -2 }
        enclaves += members
      }
    }
    guard !regions.isEmpty else { return nil }
    var waiting = enclaves
    while !waiting.isEmpty {
      var left: [Int] = []
      for unit in waiting {
        let touching = Array(Set(neighbours[unit].map { labels[$0] }.filter { $0 >= 0 })).sorted()
        guard
          let region = touching.min(by: {
            (increase(regions[$0], unit), $0) < (increase(regions[$1], unit), $1)
          })
        else {
          left.append(unit)
          continue
        }
        labels[unit] = region
        regions[region].add(attributes[unit], floor: floorValues[unit])
      }
      if left.count == waiting.count { return nil }  // cut off from every region
      waiting = left
    }
    return (labels, regions.count)
  }

  /// Regions holding at least twice the floor cut in two where both parts
  /// reach it and stay in one piece: a part grown breadth first from a unit
  /// on the region's edge (up to 20 tried per region), the rest checked.
  func splitLarge(_ start: [Int], regions k: Int) -> (labels: [Int], regions: Int) {
    guard floor > 0 else { return (start, k) }
    var labels = start
    var count = k
    var byRegion = [[Int]](repeating: [], count: k)
    for (unit, label) in labels.enumerated() { byRegion[label].append(unit) }
    var region = 0
    while region < count {
      let members = byRegion[region]
      let total = members.reduce(0) { $0 + floorValues[$1] }
      guard total >= 2 * floor else {
        region += 1
        continue
      }
      let edge = members.filter { unit in neighbours[unit].contains { labels[$0] != region } }
      var didSplit = false
      for seed in (edge.isEmpty ? members : edge).prefix(20) {
        var part: Set<Int> = [seed]
        var queue = [seed]
        var next = 0
        var sum = floorValues[seed]
        while sum < floor, next < queue.count {
          for other in neighbours[queue[next]]
          where labels[other] == region && !part.contains(other) && sum < floor {
            part.insert(other)
            queue.append(other)
            sum += floorValues[other]
          }
          next += 1
        }
        guard sum >= floor, total - sum >= floor else { continue }
        let rest = members.filter { !part.contains($0) }
        guard let first = rest.first else { continue }
        var seen: Set<Int> = [first]
        var stack = [first]
        while let unit = stack.popLast() {
          for other in neighbours[unit]
          where labels[other] == region && !part.contains(other) && !seen.contains(other) {
            seen.insert(other)
            stack.append(other)
          }
        }
        guard seen.count == rest.count else { continue }
        for unit in part { labels[unit] = count }
        byRegion[region] = rest
        byRegion.append(members.filter { part.contains($0) })
        count += 1
        didSplit = true
        break
      }
      if !didSplit { region += 1 }
    }
    return (labels, count)
  }

  /// How much `unit` would add to the SSD of a region: per variable,
  /// n/(n+1)·(x − mean)², without copying the region's sums.
  private func increase(_ sums: Sums, _ unit: Int) -> Double {
    guard sums.count > 0 else { return 0 }
    let n = Double(sums.count)
    var total = 0.0
    for (d, x) in attributes[unit].enumerated() {
      let step = x - sums.sum[d] / n
      total += step * step
    }
    return total * n / (n + 1)
  }

  // MARK: local search

  /// Moves units to a neighbouring region while that lowers the SSD, keeping
  /// every region contiguous, non-empty and at the floor.
  func localSearch(_ start: [Int], regions k: Int, generator: inout SeededGenerator) -> [Int] {
    var labels = start
    var sums = sums(labels, regions: k)
    for _ in 0..<100 {
      var moved = false
      for unit in (0..<count).shuffled(using: &generator) {
        let from = labels[unit]
        guard sums[from].count > 1, sums[from].floor - floorValues[unit] >= floor else { continue }
        var without = sums[from]
        without.add(attributes[unit], floor: floorValues[unit], sign: -1)
        var best: (region: Int, delta: Double)?
        for region in Array(Set(neighbours[unit].map { labels[$0] })).sorted() where region != from
        {
          var with = sums[region]
          with.add(attributes[unit], floor: floorValues[unit])
          let delta = without.ssd + with.ssd - sums[from].ssd - sums[region].ssd
          if delta < -1e-12 * max(1, sums[from].ssd), delta < (best?.delta ?? 0) {
            best = (region, delta)
          }
        }
        guard let best,
          staysConnected(labels, region: from, without: unit, size: sums[from].count)
        else { continue }
        labels[unit] = best.region
        sums[from] = without
        sums[best.region].add(attributes[unit], floor: floorValues[unit])
        moved = true
      }
      if !moved { break }
    }
    return labels
  }

  /// Whether `region` (of `size` units) stays in one piece without `unit`.
  func staysConnected(_ labels: [Int], region: Int, without unit: Int, size: Int) -> Bool {
    guard let start = neighbours[unit].first(where: { labels[$0] == region }) else { return true }
    var seen: Set<Int> = [unit, start]
    var stack = [start]
    while let next = stack.popLast() {
      for other in neighbours[next] where labels[other] == region && !seen.contains(other) {
        seen.insert(other)
        stack.append(other)
      }
    }
    return seen.count == size
  }

  // MARK: SKATER

  /// `k` regions by cutting a minimum spanning tree of the graph (edges
  /// weighted by the distance between attributes) where a cut lowers the SSD
  /// most while both sides reach the floor.
  /// - Returns: the labels, and how many regions could be made (fewer than
  ///   `k` when no further cut keeps the floor).
  func skater(regions k: Int) -> (labels: [Int], regions: Int) {
    var tree = [[Int]](repeating: [], count: count)
    var inTree = [Bool](repeating: false, count: count)
    var distance = [Double](repeating: .infinity, count: count)
    var parent = [Int](repeating: -1, count: count)
    // Prim's algorithm, O(n²) over the sparse graph's candidates.
    distance[0] = 0
    for _ in 0..<count {
      var next = -1
      for unit in 0..<count where !inTree[unit] && (next < 0 || distance[unit] < distance[next]) {
        next = unit
      }
      guard next >= 0, distance[next].isFinite else { break }
      inTree[next] = true
      if parent[next] >= 0 {
        tree[next].append(parent[next])
        tree[parent[next]].append(next)
      }
      for other in neighbours[next] where !inTree[other] {
        let d = dissimilarity(next, other)
        if d < distance[other] {
          distance[other] = d
          parent[other] = next
        }
      }
    }
    var labels = [Int](repeating: 0, count: count)
    var made = 1
    while made < k {
      guard let cut = bestCut(tree: tree, labels: labels) else { break }
      tree[cut.0].removeAll { $0 == cut.1 }
      tree[cut.1].removeAll { $0 == cut.0 }
      // The side of cut.1 becomes a new region.
      var stack = [cut.1]
      labels[cut.1] = made
      while let next = stack.popLast() {
        for other in tree[next] where labels[other] != made {
          labels[other] = made
          stack.append(other)
        }
      }
      made += 1
    }
    return (labels, made)
  }

  private func dissimilarity(_ a: Int, _ b: Int) -> Double {
    var total = 0.0
    for d in 0..<dimensions {
      let step = attributes[a][d] - attributes[b][d]
      total += step * step
    }
    return total.squareRoot()
  }

  /// The tree edge whose cut lowers the SSD most with both sides at the floor.
  private func bestCut(tree: [[Int]], labels: [Int]) -> (Int, Int)? {
    var best: (edge: (Int, Int), gain: Double)?
    for region in Array(Set(labels)).sorted() {
      let members = (0..<count).filter { labels[$0] == region }
      guard members.count > 1 else { continue }
      // Subtree sums from a root, children before parents.
      var order: [Int] = []
      var parent: [Int: Int] = [members[0]: -1]
      var stack = [members[0]]
      while let next = stack.popLast() {
        order.append(next)
        for other in tree[next] where parent[other] == nil {
          parent[other] = next
          stack.append(other)
        }
      }
      var subtree: [Int: Sums] = [:]
      for unit in order.reversed() {
        var sums = subtree[unit] ?? Sums(dimensions: dimensions)
        sums.add(attributes[unit], floor: floorValues[unit])
        subtree[unit] = sums
        if let up = parent[unit], up >= 0 {
          var above = subtree[up] ?? Sums(dimensions: dimensions)
          above.count += sums.count
          above.floor += sums.floor
          for d in 0..<dimensions {
            above.sum[d] += sums.sum[d]
            above.squares[d] += sums.squares[d]
          }
          subtree[up] = above
        }
      }
      let whole = subtree[members[0]]!
      for unit in order where parent[unit]! >= 0 {
        let side = subtree[unit]!
        var rest = whole
        rest.count -= side.count
        rest.floor -= side.floor
        for d in 0..<dimensions {
          rest.sum[d] -= side.sum[d]
          rest.squares[d] -= side.squares[d]
        }
        guard side.floor >= floor, rest.floor >= floor else { continue }
        let gain = whole.ssd - side.ssd - rest.ssd
        if best == nil || gain > best!.gain { best = ((parent[unit]!, unit), gain) }
      }
    }
    return best?.edge
  }

  // MARK: AZP and random zonings

  /// `k` contiguous regions grown from `k` random seeds, one unit at a time in
  /// turn (a random zoning, with no floor).
  func randomZoning(regions k: Int, generator: inout SeededGenerator) -> [Int] {
    var labels = [Int](repeating: -1, count: count)
    let seeds = Array((0..<count).shuffled(using: &generator).prefix(k))
    var frontiers: [[Int]] = []
    for (region, seed) in seeds.enumerated() {
      labels[seed] = region
      frontiers.append(neighbours[seed])
    }
    var assigned = seeds.count
    while assigned < count {
      var progressed = false
      for region in (0..<k).shuffled(using: &generator) {
        frontiers[region].removeAll { labels[$0] != -1 }
        guard !frontiers[region].isEmpty else { continue }
        let pick = frontiers[region].remove(
          at: Int.random(in: 0..<frontiers[region].count, using: &generator))
        labels[pick] = region
        assigned += 1
        frontiers[region] += neighbours[pick].filter { labels[$0] == -1 }
        progressed = true
      }
      if !progressed { break }
    }
    return labels
  }

  /// AZP: random zonings of `k` regions until one reaches the floor in every
  /// region (at most `attempts`), improved by local search.
  func azp(regions k: Int, attempts: Int, generator: inout SeededGenerator) -> [Int]? {
    for _ in 0..<attempts {
      let start = randomZoning(regions: k, generator: &generator)
      guard !start.contains(-1) else { continue }
      let sums = sums(start, regions: k)
      guard sums.allSatisfy({ $0.floor >= floor }) else { continue }
      return localSearch(start, regions: k, generator: &generator)
    }
    return nil
  }
}
