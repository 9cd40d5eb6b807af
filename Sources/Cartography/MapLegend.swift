import Foundation
import Style

/// The words of a legend's classes, laid out before they are drawn: one label
/// per class (a class's own smallest and largest value, or its one value), in
/// the decimals the data carries, fitted to the legend's width. Labels too wide
/// at the legend's size are first set a little smaller, then divided by a
/// thousand, a million or a billion with a unit line (`× 1,000,000`) under the
/// heading; a label is never wrapped onto the next entry.
struct LegendLabels: Equatable {
  /// One label per class, lowest class first.
  var labels: [String]
  /// The line saying what the numbers are multiplied by (`× 1,000`), if any.
  var unitLine: String?
  /// The font size the labels fit at.
  var size: Double

  /// Labels for `values` classed by `breaks`, each at most `width` wide as
  /// `measure(text, size)` says.
  static func make(
    values: [Double], breaks: [Double], numbers: NumberStyle, width: Double, size: Double,
    measure: (String, Double) -> Double
  ) -> LegendLabels {
    let ranges = Classification.ranges(of: values, breaks: breaks)
    let precision = NumberStyle.precision(of: values)
    let largest = max(abs(breaks.last ?? 0), abs(values.min() ?? 0))
    var candidates: [(divisor: Double, size: Double)] = [(1, size), (1, size * 0.85)]
    for power in [3.0, 6.0, 9.0] where largest >= pow(10, power) {
      candidates.append((pow(10, power), size))
    }
    var fallback: LegendLabels?
    for candidate in candidates {
      let decimalsCarried = max(0, precision - Int(log10(candidate.divisor)))
      let labels = self.labels(
        ranges: ranges, breaks: breaks, divisor: candidate.divisor, precision: decimalsCarried,
        numbers: numbers)
      let unit =
        candidate.divisor == 1 ? nil : "× \(numbers.format(candidate.divisor, decimals: 0))"
      let made = LegendLabels(labels: labels, unitLine: unit, size: candidate.size)
      if labels.allSatisfy({ measure($0, candidate.size) <= width }) { return made }
      fallback = made
    }
    // Nothing fits: the most divided labels, set as small as they must be.
    var last = fallback!
    let widest = last.labels.map { measure($0, last.size) }.max() ?? width
    last.size *= max(0.5, min(1, width / widest))
    return last
  }

  /// The labels at one divisor: `lower – upper`, or the value alone for a class
  /// of one value; a class without values shows the bounds that define it.
  static func labels(
    ranges: [ClassRange?], breaks: [Double], divisor: Double, precision: Int, numbers: NumberStyle
  ) -> [String] {
    var bounds: [Double] = []
    for (index, range) in ranges.enumerated() {
      if let range {
        bounds += [range.lower, range.upper]
      } else {
        bounds += [index == 0 ? breaks[0] : breaks[index - 1], breaks[index]]
      }
    }
    let scaled = bounds.map { $0 / divisor }
    func labels(decimals: Int) -> [String] {
      ranges.indices.map { index in
        let lower = numbers.format(scaled[2 * index], decimals: decimals)
        let upper = numbers.format(scaled[2 * index + 1], decimals: decimals)
        if ranges[index] == nil { return "> \(lower) – \(upper)" }
        return lower == upper ? lower : "\(lower) – \(upper)"
      }
    }
    // Three significant digits on the largest bound; more only while a class's
    // own bounds, or two classes, would print alike. The upper bound of a class
    // and the lower of the next are often consecutive values of the data: their
    // printing alike asks for no more (a density legend of Olinda's tracts
    // printed "26 240,4904" when it did).
    let limit = max(0, min(6, precision))
    var decimals = NumberStyle.decimals(for: [scaled.map(abs).max() ?? 0], precision: limit)
    var made = labels(decimals: decimals)
    func blurred(_ made: [String]) -> Bool {
      Set(made).count < made.count
        || ranges.indices.contains { index in
          ranges[index] != nil && scaled[2 * index] != scaled[2 * index + 1]
            && !made[index].contains(" – ")
        }
    }
    while decimals < limit, blurred(made) {
      decimals += 1
      made = labels(decimals: decimals)
    }
    return made
  }
}

/// The values shown by the legend of proportional circles: the largest, and
/// round values near a quarter and a sixteenth of it whose circles are still
/// big enough to read and that the data's precision can hold (no 0.5 for
/// counts of whole things).
enum SymbolLegend {
  /// The values, largest first, given the largest circle's radius in points
  /// and the decimals the sizes carry.
  static func values(largest: Double, radius: Double, precision: Int) -> [Double] {
    var values = [largest]
    let step = pow(10, -Double(precision))
    for fraction in [0.25, 0.0625] {
      let value = MapGeometry.roundLength(below: largest * fraction * 1.2)
      let r = radius * (value / largest).squareRoot()
      let held = abs((value / step).rounded() * step - value) <= 1e-9 * max(1, value)
      if r >= 3, held, value >= step, value < values.last! * 0.9 { values.append(value) }
    }
    return values
  }
}
