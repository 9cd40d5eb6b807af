import Foundation
import GDALKit
import Testing

/// What QGIS reads from `analysis.gpkg`: the `layer_styles` table, read back
/// with GDAL and held against the print maps.
enum LayerStylesCheck {
  /// One style row as GDAL reads it.
  struct Row {
    var table: String
    var name: String
    var qml: String
    var isDefault: Bool
  }

  /// The ranges of a QML document: lower and upper bounds, label, and the fill
  /// colour of each range's symbol.
  static func ranges(_ qml: String) throws -> [(lower: Double, upper: Double, label: String)] {
    let pattern = try NSRegularExpression(
      pattern:
        #"<range render="true" symbol="\d+" lower="([^"]+)" upper="([^"]+)" label="([^"]*)"/>"#)
    return pattern.matches(in: qml, range: NSRange(qml.startIndex..., in: qml)).map { match in
      func group(_ index: Int) -> String { String(qml[Range(match.range(at: index), in: qml)!]) }
      let label = group(3).replacingOccurrences(of: "&gt;", with: ">")
        .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&amp;", with: "&")
      return (Double(group(1))!, Double(group(2))!, label)
    }
  }

  /// The fill colours (`r,g,b,a`) of a QML document's symbols, in order.
  static func fills(_ qml: String) throws -> [String] {
    let pattern = try NSRegularExpression(
      pattern: #"<Option name="color" type="QString" value="([0-9,]+)"/>"#)
    return pattern.matches(in: qml, range: NSRange(qml.startIndex..., in: qml)).map {
      String(qml[Range($0.range(at: 1), in: qml)!])
    }
  }

  /// Checks the styles of an analysis of the bundled site in `folder`: every
  /// scale has a style per indicator, the first the default; each style's legend
  /// labels are the words of the indicator's poster (the PDF, read back with
  /// pdftotext); its colours are the poster's palette in order; and every value
  /// of the layer falls in one of its ranges, so that QGIS draws every unit.
  static func check(_ folder: URL, scales: [String], indicators: [String]) throws {
    let gpkg = folder.appendingPathComponent("analysis.gpkg").path
    let dataset = try VectorDataset(path: gpkg)
    let layer = try dataset.layer(named: "layer_styles")
    let names = layer.fields.map(\.name)
    func column(_ name: String) -> Int { names.firstIndex(of: name)! }
    var rows: [Row] = []
    try layer.forEachFeature { feature in
      let values = feature.attributes
      #expect(values[column("f_geometry_column")].description == "geom")
      rows.append(
        Row(
          table: values[column("f_table_name")].description,
          name: values[column("styleName")].description,
          qml: values[column("styleQML")].description,
          isDefault: values[column("useAsDefault")].doubleValue == 1))
    }
    #expect(rows.count == scales.count * indicators.count)
    for indicator in indicators {
      let poster = try Territory.pdfText(
        folder.appendingPathComponent("maps/\(indicator)_scales.pdf").path)
      // Spaces apart (pdftotext may join "2 – 6" into one word, or split a number
      // at its thin spaces), the poster's text holds every label.
      let text = poster.filter { !$0.isWhitespace }
      for scale in scales {
        let row = try #require(rows.first { $0.table == scale && $0.name == indicator })
        #expect(row.isDefault == (indicator == indicators[0]), "\(scale) \(indicator)")
        let ranges = try Self.ranges(row.qml)
        #expect(ranges.count >= 2, "\(scale) \(indicator)")
        #expect(try Self.fills(row.qml).count == ranges.count)
        for (index, range) in ranges.enumerated() {
          #expect(range.lower <= range.upper)
          if index > 0 { #expect(range.lower == ranges[index - 1].upper) }
          #expect(
            text.contains(range.label.filter { !$0.isWhitespace }),
            "'\(range.label)' of \(indicator) is not on the poster")
        }
        let data = try dataset.layer(named: scale)
        let position = try #require(data.fields.firstIndex { $0.name == indicator })
        try data.forEachFeature { feature in
          guard let value = feature.attributes[position].doubleValue else { return }
          #expect(value >= ranges[0].lower && value <= ranges[ranges.count - 1].upper)
        }
      }
    }
  }
}
