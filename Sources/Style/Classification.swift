import Foundation

/// How values are split into classes.
public enum ClassificationScheme: Sendable, Equatable {
  /// Classes holding equal numbers of values (breaks at the k-quantiles, linear
  /// interpolation, as numpy and mapclassify's `Quantiles`).
  case quantiles
  /// Classes of equal width between the minimum and the maximum.
  case equalInterval
  /// Fisher–Jenks natural breaks: the classes with the least squared deviation
  /// from their means (exact on up to 3,000 values; beyond, on 3,000 values
  /// evenly spaced in sorted order, minimum and maximum included).
  case naturalBreaks
  /// Head/tail breaks for heavy-tailed values: split at the mean while the head
  /// (values above it) holds under 40% of the values.
  case headTail
  /// Given upper bounds.
  case manual([Double])
}

extension ClassificationScheme {
  /// The scheme's name, as a user writes it (`natural-breaks`).
  public var name: String {
    switch self {
    case .quantiles: return ClassificationMethod.quantiles.rawValue
    case .equalInterval: return ClassificationMethod.equalInterval.rawValue
    case .naturalBreaks: return ClassificationMethod.naturalBreaks.rawValue
    case .headTail: return ClassificationMethod.headTail.rawValue
    case .manual: return ClassificationMethod.manual.rawValue
    }
  }
}

/// Class breaks: the upper bound of each class, ascending; the last is the maximum.
public enum Classification {
  /// The largest number of values natural breaks computes exactly.
  public static let exactLimit = 3_000

  /// The breaks of `values` (missing values already removed).
  /// - Returns: at most `classes` upper bounds; fewer when there are fewer distinct values.
  public static func breaks(_ values: [Double], scheme: ClassificationScheme, classes: Int)
    -> [Double]
  {
    let sorted = values.filter(\.isFinite).sorted()
    guard let low = sorted.first, let high = sorted.last else { return [] }
    let k = max(1, min(classes, Set(sorted).count))
    switch scheme {
    case .manual(let bounds):
      var result = bounds.sorted().filter { $0 < high }
      result.append(high)
      return result
    case .equalInterval:
      return (1...k).map { $0 == k ? high : low + Double($0) * (high - low) / Double(k) }
    case .quantiles:
      var result: [Double] = []
      for index in 1...k {
        let position = Double(index) / Double(k) * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let fraction = position - Double(lower)
        let value =
          lower + 1 < sorted.count
          ? sorted[lower] + fraction * (sorted[lower + 1] - sorted[lower]) : sorted[lower]
        if result.last != value { result.append(value) }
      }
      return result
    case .headTail:
      var result: [Double] = []
      var part = sorted
      while part.count > 1, result.count < k - 1 {
        let mean = part.reduce(0, +) / Double(part.count)
        let head = part.filter { $0 > mean }
        guard !head.isEmpty, Double(head.count) / Double(part.count) < 0.4 || result.isEmpty else {
          break
        }
        result.append(mean)
        part = head
      }
      result.append(high)
      return result
    case .naturalBreaks:
      // The sample of a large layer may hold fewer distinct values than the
      // whole (a count that is mostly zero): never more classes than it has.
      let sampled = sample(sorted)
      var result: [Double] = []
      for value in fisherJenks(sampled, classes: min(k, Set(sampled).count))
      where result.last != value {
        result.append(value)
      }
      return result
    }
  }

  /// At most `exactLimit` values evenly spaced in sorted order, ends included.
  static func sample(_ sorted: [Double]) -> [Double] {
    guard sorted.count > exactLimit else { return sorted }
    return (0..<exactLimit).map {
      sorted[Int((Double($0) * Double(sorted.count - 1) / Double(exactLimit - 1)).rounded())]
    }
  }

  /// Exact Fisher–Jenks by dynamic programming over sorted values, O(k·n²):
  /// cost[j][i] is the least total squared deviation of values 0...i in j+1 classes.
  static func fisherJenks(_ sorted: [Double], classes k: Int) -> [Double] {
    let n = sorted.count
    guard k > 1, n > k else { return Array(Set(sorted)).sorted().suffix(k).map { $0 } }
    var prefix = [Double](repeating: 0, count: n + 1)
    var prefixSquares = [Double](repeating: 0, count: n + 1)
    for (index, value) in sorted.enumerated() {
      prefix[index + 1] = prefix[index] + value
      prefixSquares[index + 1] = prefixSquares[index] + value * value
    }
    /// Squared deviation of values a...b (inclusive).
    func deviation(_ a: Int, _ b: Int) -> Double {
      let count = Double(b - a + 1)
      let sum = prefix[b + 1] - prefix[a]
      return max(0, prefixSquares[b + 1] - prefixSquares[a] - sum * sum / count)
    }
    var cost = [[Double]](repeating: [Double](repeating: .infinity, count: n), count: k)
    var start = [[Int]](repeating: [Int](repeating: 0, count: n), count: k)
    for i in 0..<n { cost[0][i] = deviation(0, i) }
    for j in 1..<k {
      for i in j..<n {
        var best = Double.infinity
        var bestStart = j
        for m in j...i {
          let candidate = cost[j - 1][m - 1] + deviation(m, i)
          if candidate < best {
            best = candidate
            bestStart = m
          }
        }
        cost[j][i] = best
        start[j][i] = bestStart
      }
    }
    var bounds: [Double] = []
    var end = n - 1
    for j in stride(from: k - 1, through: 0, by: -1) {
      bounds.append(sorted[end])
      if j > 0 { end = start[j][end] - 1 }
    }
    return bounds.reversed()
  }

  /// Each class's smallest and largest value, and how many values it holds
  /// (`nil` for a class no value falls in), so that a legend shows bounds that
  /// never repeat: a class starts at its own smallest value, not at the bound
  /// of the class below.
  public static func ranges(of values: [Double], breaks: [Double]) -> [ClassRange?] {
    var ranges = [ClassRange?](repeating: nil, count: breaks.count)
    guard !breaks.isEmpty else { return ranges }
    for value in values where value.isFinite {
      let index = classIndex(of: value, breaks: breaks)
      if var range = ranges[index] {
        range.lower = min(range.lower, value)
        range.upper = max(range.upper, value)
        range.count += 1
        ranges[index] = range
      } else {
        ranges[index] = ClassRange(lower: value, upper: value, count: 1)
      }
    }
    return ranges
  }

  /// The class (0-based) of `value` given `breaks`: the first upper bound it does not exceed.
  public static func classIndex(of value: Double, breaks: [Double]) -> Int {
    var low = 0
    var high = breaks.count - 1
    while low < high {
      let middle = (low + high) / 2
      if value <= breaks[middle] { high = middle } else { low = middle + 1 }
    }
    return low
  }
}

/// The values one class holds: its smallest, its largest, and how many.
public struct ClassRange: Sendable, Equatable {
  /// The smallest value of the class.
  public var lower: Double
  /// The largest value of the class.
  public var upper: Double
  /// How many values the class holds.
  public var count: Int

  /// A class from `lower` to `upper` holding `count` values.
  public init(lower: Double, upper: Double, count: Int) {
    self.lower = lower
    self.upper = upper
    self.count = count
  }
}

/// The names of the classification schemes, as a user writes them.
public enum ClassificationMethod: String, Sendable, CaseIterable {
  /// `quantiles`.
  case quantiles
  /// `equal-interval`.
  case equalInterval = "equal-interval"
  /// `natural-breaks` (Fisher–Jenks).
  case naturalBreaks = "natural-breaks"
  /// `head-tail`.
  case headTail = "head-tail"
  /// `manual`: upper bounds given by the user.
  case manual

  /// The scheme; `manual` takes `breaks`, comma-separated upper bounds.
  /// - Throws: `StyleError.badBreaks` when a manual scheme has no breaks or one is not a number.
  public func scheme(breaks: String?) throws(StyleError) -> ClassificationScheme {
    switch self {
    case .quantiles: return .quantiles
    case .equalInterval: return .equalInterval
    case .naturalBreaks: return .naturalBreaks
    case .headTail: return .headTail
    case .manual:
      let text = breaks ?? ""
      let bounds = text.split(separator: ",").map {
        Double($0.trimmingCharacters(in: .whitespaces))
      }
      guard !bounds.isEmpty, bounds.allSatisfy({ $0 != nil }) else {
        throw .badBreaks(text)
      }
      return .manual(bounds.map { $0! })
    }
  }
}

extension Classification {
  /// Classes centred on zero for a change: natural breaks of the losses and of
  /// the gains separately (up to `perSide` classes each), and a class of its
  /// own for values of exactly 0, coloured from the two ends of a diverging
  /// `palette` inwards, so that zero sits on its neutral middle whatever the
  /// sizes of the two sides.
  /// - Returns: the upper bounds and one colour per class.
  /// - Throws: `StyleError.tooManyClasses` when the palette has too few colours.
  public static func diverging(_ values: [Double], palette: Palette, perSide: Int = 3)
    throws(StyleError) -> (breaks: [Double], colours: [Colour])
  {
    let finite = values.filter(\.isFinite)
    let losses = finite.filter { $0 < 0 }
    let gains = finite.filter { $0 > 0 }
    let lossBreaks = losses.isEmpty ? [] : breaks(losses, scheme: .naturalBreaks, classes: perSide)
    let gainBreaks = gains.isEmpty ? [] : breaks(gains, scheme: .naturalBreaks, classes: perSide)
    let side = max(lossBreaks.count, gainBreaks.count, 1)
    let ramp = try palette.colours(2 * side + 1)
    var breaks = lossBreaks
    var colours = Array(ramp[(side - lossBreaks.count)..<side])
    if finite.contains(0) {
      breaks.append(0)
      colours.append(ramp[side])
    }
    breaks += gainBreaks
    colours += ramp[(side + 1)..<(side + 1 + gainBreaks.count)]
    return (breaks, colours)
  }
}
