import Foundation

/// Numbers as the team's language writes them: French `1 234,5`, English
/// `1,234.5`, Arabic with Arabic separators `1٬234٫5`.
public enum NumberStyle: String, Sendable, CaseIterable {
  /// French: `1 234,5` (narrow no-break space, comma).
  case fr
  /// English: `1,234.5`.
  case en
  /// Arabic: `1٬234٫5` (Arabic separators).
  case ar

  /// `value` with `decimals` digits after the separator and grouped thousands.
  public func format(_ value: Double, decimals: Int) -> String {
    let (group, decimal): (String, String) = {
      switch self {
      case .fr: return ("\u{202F}", ",")
      case .en: return (",", ".")
      case .ar: return ("\u{066C}", "\u{066B}")
      }
    }()
    let rounded = String(format: "%.\(max(0, decimals))f", abs(value))
    let parts = rounded.split(separator: ".", omittingEmptySubsequences: false)
    var integer = String(parts[0])
    var grouped = ""
    while integer.count > 3 {
      grouped = group + String(integer.suffix(3)) + grouped
      integer.removeLast(3)
    }
    grouped = integer + grouped
    let sign = value < 0 && rounded.contains(where: { $0 != "0" && $0 != "." }) ? "-" : ""
    return sign + grouped + (parts.count > 1 ? decimal + parts[1] : "")
  }

  /// Decimals for a legend: three significant digits on the largest bound
  /// (a bound near zero, the smallest value of a density, does not ask for
  /// six decimals on every label), more while two bounds would print alike
  /// (at most 6).
  /// With `precision` (the decimals the data carries, `precision(of:)`), never more
  /// than the data has: whole numbers print as whole numbers.
  public static func decimals(for breaks: [Double], precision: Int = 6) -> Int {
    let limit = max(0, min(6, precision))
    let magnitudes = breaks.map(abs).filter { $0 > 0 }
    guard let largest = magnitudes.max() else { return 0 }
    var decimals = max(0, min(limit, 2 - Int(log10(largest).rounded(.down))))
    while decimals < limit,
      Set(breaks.map { String(format: "%.\(decimals)f", $0) }).count < Set(breaks).count
    {
      decimals += 1
    }
    return decimals
  }

  /// The decimals `values` carry: the fewest (at most 6) at which every value
  /// (of up to 10,000, evenly sampled) prints as itself; 0 for whole numbers.
  public static func precision(of values: [Double]) -> Int {
    let finite = values.filter(\.isFinite)
    let step = max(1, finite.count / 10_000)
    let sample = stride(from: 0, to: finite.count, by: step).map { finite[$0] }
    for decimals in 0..<6 {
      let scale = pow(10, Double(decimals))
      let exact = sample.allSatisfy { value in
        let scaled = value * scale
        return abs(scaled - scaled.rounded()) <= 1e-6 * max(1, abs(scaled))
      }
      if exact { return decimals }
    }
    return 6
  }
}
