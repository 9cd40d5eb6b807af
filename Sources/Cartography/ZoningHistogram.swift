import Foundation
import GeoCore
import Style

/// A histogram of a statistic over random zonings, with the value of the
/// zoning at hand marked: how unusual the administrative zoning is.
public enum ZoningHistogram {
  /// Draws the histogram of `values` (one per random zoning) with `reference`
  /// marked, titled `title`, to `path` (PNG, PDF or SVG by extension; a 16 ×
  /// 10 cm figure), atomically.
  /// - Parameters:
  ///   - caption: the line under the title (what was drawn, how many zonings).
  ///   - marker: the label of the reference line (`this zoning`).
  /// - Throws: `MapError.cannotDraw`, `OutputError`.
  public static func draw(
    values: [Double], reference: Double, title: String, caption: String, marker: String,
    language: MapLanguage, to path: String, policy: ExistingOutputPolicy
  ) throws {
    guard let format = CanvasFormat(path: path) else {
      throw MapError.cannotDraw(path: path, reason: "the extension must be .pdf, .svg or .png")
    }
    guard let low = (values + [reference]).min(), let high = (values + [reference]).max() else {
      throw MapError.cannotDraw(path: path, reason: "there is no value to draw")
    }
    let output = try StagedOutput(path: path, policy: policy)
    let (width, height) = (453.5, 283.5)
    let canvas = try Canvas(
      path: output.stagingPath.path, format: format, width: width, height: height, dpi: 150)
    canvas.rightToLeft = language.rightToLeft
    let align: TextAlignment = language.rightToLeft ? .right : .left
    let margin = 24.0
    var top = margin
    top +=
      canvas.text(
        title, x: margin, y: top, width: width - 2 * margin, size: 12, bold: true,
        alignment: align
      ).height
    top +=
      canvas.text(
        caption, x: margin, y: top + 2, width: width - 2 * margin, size: 8, alignment: align,
        colour: Colour(red: 0.3, green: 0.3, blue: 0.3)
      ).height + 22
    let plot = (x: margin, y: top, width: width - 2 * margin, height: height - top - margin - 18)
    let bins = max(5, min(30, Int(Double(values.count).squareRoot().rounded(.up)) * 2))
    let span = max(high - low, 1e-12)
    var counts = [Int](repeating: 0, count: bins)
    for value in values {
      counts[min(bins - 1, Int((value - low) / span * Double(bins)))] += 1
    }
    let tallest = Double(counts.max() ?? 1)
    let barWidth = plot.width / Double(bins)
    func x(_ value: Double) -> Double { plot.x + (value - low) / span * plot.width }
    for (bin, count) in counts.enumerated() where count > 0 {
      let barHeight = Double(count) / tallest * plot.height
      canvas.rectangle(
        plot.x + Double(bin) * barWidth + 0.5, plot.y + plot.height - barHeight, barWidth - 1,
        barHeight)
      canvas.fill(Colour(red: 0.62, green: 0.6, blue: 0.78))
    }
    // The axis, its two ends, and the zoning at hand.
    canvas.rectangle(plot.x, plot.y + plot.height, plot.width, 0.6)
    canvas.fill(Colour(red: 0.2, green: 0.2, blue: 0.2))
    let numbers = language.numbers
    let decimals = NumberStyle.decimals(for: [low, high, reference])
    canvas.text(
      numbers.format(low, decimals: decimals), x: plot.x - 30, y: plot.y + plot.height + 3,
      width: 60, size: 8, alignment: .centre)
    canvas.text(
      numbers.format(high, decimals: decimals), x: plot.x + plot.width - 30,
      y: plot.y + plot.height + 3, width: 60, size: 8, alignment: .centre)
    let mark = x(reference)
    canvas.rectangle(mark - 0.75, plot.y - 4, 1.5, plot.height + 4)
    canvas.fill(Colour(red: 0.8, green: 0.1, blue: 0.1))
    let label = "\(marker): \(numbers.format(reference, decimals: decimals))"
    // Measured in the regular weight, drawn bold: room to spare.
    let labelWidth = canvas.labelSize(label, size: 8).width * 1.2 + 8
    let labelX = min(max(plot.x, mark - labelWidth / 2), plot.x + plot.width - labelWidth)
    canvas.text(
      label, x: labelX, y: plot.y - 15, width: labelWidth, size: 8, bold: true,
      alignment: .centre, colour: Colour(red: 0.8, green: 0.1, blue: 0.1))
    try canvas.finish()
    try output.commit()
  }
}
