import Foundation
import GeoCore
import Style

extension MapRenderer {
  /// The legend column: heading, classes (laid out by `LegendLabels`), the
  /// no-data swatch, proportional circles drawn at the map's own radii, then a
  /// scale bar and a north arrow when the scale is the same across the map.
  static func drawLegend(
    _ spec: MapSpec, canvas: Canvas, x: Double, y: Double, width: Double, unit: Double,
    scale: Double, extent: Envelope, symbolRadius: Double
  ) throws {
    let rtl = spec.language.rightToLeft
    let align: TextAlignment = rtl ? .right : .left
    var top = y
    top +=
      canvas.text(
        spec.legendTitle, x: x, y: top, width: width, size: unit * 0.016, bold: true,
        alignment: align
      ).height + unit * 0.012
    let numbers = spec.language.numbers
    let values = spec.panels.flatMap(\.values)
    let box = (width: unit * 0.03, height: unit * 0.02)
    let labelSize = unit * 0.013
    let labelWidth = width - box.width - unit * 0.01
    let legend = LegendLabels.make(
      values: values, breaks: spec.breaks, numbers: numbers, width: labelWidth, size: labelSize
    ) { text, size in canvas.labelSize(text, size: size).width }
    if let unitLine = legend.unitLine {
      top +=
        canvas.text(
          unitLine, x: x, y: top - unit * 0.006, width: width, size: labelSize, alignment: align,
          colour: Colour(red: 0.3, green: 0.3, blue: 0.3)
        ).height + unit * 0.004
    }
    var entries = zip(spec.colours, legend.labels).map { ($0, $1) }
    if spec.panels.contains(where: \.lacksValues) {
      entries.insert((spec.noDataColour, spec.language.noData), at: 0)
    }
    // Highest class on top, as readers expect.
    for (colour, label) in entries.reversed() {
      let boxX = rtl ? x + width - box.width : x
      canvas.rectangle(boxX, top, box.width, box.height)
      canvas.fillPreserve(colour)
      canvas.stroke(Colour(red: 0.5, green: 0.5, blue: 0.5), width: 0.3)
      let labelX = rtl ? x : x + box.width + unit * 0.01
      let size = label == spec.language.noData ? labelSize : legend.size
      canvas.text(
        label, x: labelX, y: top + (box.height - size * 1.3) / 2,
        width: labelWidth + 1, size: size, alignment: align)
      top += box.height + unit * 0.006
    }
    if let sizeTitle = spec.proportionalSizeTitle {
      top = drawSymbolLegend(
        spec, title: sizeTitle, canvas: canvas, x: x, y: top, width: width, unit: unit,
        radius: symbolRadius)
    }
    top += unit * 0.03
    try drawScaleBar(
      spec, canvas: canvas, x: x, y: top, width: width, unit: unit, scale: scale,
      extent: extent)
  }

  /// Nested proportional circles, each exactly as large as a map circle of its
  /// value, with its value beside its top and a leader line from the top to it.
  private static func drawSymbolLegend(
    _ spec: MapSpec, title: String, canvas: Canvas, x: Double, y: Double, width: Double,
    unit: Double, radius: Double
  ) -> Double {
    let rtl = spec.language.rightToLeft
    let align: TextAlignment = rtl ? .right : .left
    let sizes = spec.panels.flatMap { $0.features.compactMap(\.size) }
    guard let largest = sizes.max(), largest > 0 else { return y }
    var top = y + unit * 0.02
    top +=
      canvas.text(
        title, x: x, y: top, width: width, size: unit * 0.014, bold: true, alignment: align
      ).height + unit * 0.01
    let precision = NumberStyle.precision(of: sizes)
    let shown = SymbolLegend.values(largest: largest, radius: radius, precision: precision)
    let decimals = NumberStyle.decimals(for: shown, precision: precision)
    let labelSize = unit * 0.013
    let labelX = rtl ? x : x + 2 * radius + unit * 0.01
    let labelWidth = width - 2 * radius - unit * 0.01
    let labels = shown.map { spec.language.numbers.format($0, decimals: decimals) }
    let widest = labels.map { canvas.labelSize($0, size: labelSize).width }.max() ?? 0
    let size = labelSize * max(0.5, min(1, labelWidth / max(widest, 1)))
    var previousLabelBottom = -Double.infinity
    for (value, label) in zip(shown, labels) {
      let r = radius * (value / largest).squareRoot()
      let centreX = rtl ? x + width - radius : x + radius
      canvas.circle(SIMD2(centreX, top + 2 * radius - r), radius: r)
      canvas.stroke(Colour(red: 0.2, green: 0.2, blue: 0.2), width: 0.5)
      // Each value by the top of its circle, below the one before.
      let circleTop = top + 2 * radius - 2 * r
      let labelHeight = canvas.labelSize(label, size: size).height
      let labelTop = max(circleTop - labelHeight / 2, previousLabelBottom + size * 0.2)
      let labelMiddle = labelTop + labelHeight / 2
      let labelEdge = rtl ? x + width - 2 * radius - unit * 0.004 : labelX - unit * 0.004
      canvas.addLine([
        SIMD2(centreX, circleTop), SIMD2(rtl ? centreX - radius : centreX + radius, circleTop),
        SIMD2(labelEdge, labelMiddle),
      ])
      canvas.stroke(Colour(red: 0.45, green: 0.45, blue: 0.45), width: 0.3)
      previousLabelBottom =
        labelTop
        + canvas.text(
          label, x: labelX, y: labelTop, width: labelWidth, size: size, alignment: align
        ).height
    }
    return max(top + 2 * radius, previousLabelBottom + size * 0.4)
  }

  /// A scale bar of a round ground length and a north arrow rotated by the
  /// grid convergence, both measured at the map's centre; left out when the
  /// scale differs by more than 10% between the centre and the middle of an
  /// edge (a world map), where one bar would mislead.
  private static func drawScaleBar(
    _ spec: MapSpec, canvas: Canvas, x: Double, y: Double, width: Double, unit: Double,
    scale: Double, extent: Envelope
  ) throws {
    let rtl = spec.language.rightToLeft
    let numbers = spec.language.numbers
    let labelSize = unit * 0.013
    var top = y
    let centre = SIMD2((extent.minX + extent.maxX) / 2, (extent.minY + extent.maxY) / 2)
    guard let ground = try? MapGeometry.groundScale(at: centre, crs: spec.crs) else { return }
    let edges = [
      SIMD2(extent.minX, centre.y), SIMD2(extent.maxX, centre.y), SIMD2(centre.x, extent.minY),
      SIMD2(centre.x, extent.maxY),
    ]
    for edge in edges {
      guard let there = try? MapGeometry.groundScale(at: edge, crs: spec.crs),
        abs(there / ground - 1) <= 0.1
      else { return }
    }
    let length = MapGeometry.roundLength(below: width * 0.8 / scale * ground)
    let barWidth = length / ground * scale
    let barX = rtl ? x + width - barWidth : x
    for half in 0..<2 {
      canvas.rectangle(barX + Double(half) * barWidth / 2, top, barWidth / 2, unit * 0.008)
      canvas.fillPreserve(
        half == 0 ? Colour(red: 0.15, green: 0.15, blue: 0.15) : Colour(red: 1, green: 1, blue: 1))
      canvas.stroke(Colour(red: 0.15, green: 0.15, blue: 0.15), width: 0.4)
    }
    let label =
      length >= 1_000
      ? "\(numbers.format(length / 1_000, decimals: length.truncatingRemainder(dividingBy: 1_000) == 0 ? 0 : 1)) \(spec.language.kilometres)"
      : "\(numbers.format(length, decimals: 0)) \(spec.language.metres)"
    top += unit * 0.012
    // "0" under the start of the bar, the length under its end.
    let ends = rtl ? (label, "0") : ("0", label)
    canvas.text(ends.0, x: barX - 20, y: top, width: 40, size: labelSize, alignment: .centre)
    canvas.text(
      ends.1, x: barX + barWidth - 40, y: top, width: 80, size: labelSize, alignment: .centre)
    top += labelSize * 2.2
    let angle = try MapGeometry.northAngle(at: centre, crs: spec.crs) * .pi / 180
    let size = unit * 0.05
    let arrowX = rtl ? x + width - size : x + size / 2
    let tip = SIMD2(arrowX + sin(angle) * size / 2, top + size * 0.9 - cos(angle) * size / 2)
    let base = SIMD2(arrowX, top + size * 0.9)
    let side = SIMD2(cos(angle), sin(angle)) * size * 0.18
    canvas.addRings([[tip, base + side, base - side]])
    canvas.fill(Colour(red: 0.15, green: 0.15, blue: 0.15))
    canvas.text(
      spec.language.north, x: tip.x - size / 2, y: tip.y - labelSize * 1.6, width: size,
      size: labelSize, bold: true, alignment: .centre)
  }
}
