import Foundation
import Style

/// A map's classes written as a QGIS style document (QML), so that a layer
/// opened in QGIS shows the same classes, colours and legend labels as the
/// print maps: a graduated renderer on one attribute, one range per class.
///
/// The symbols are written both as QGIS 3.26 and later read them (`Option`
/// maps) and as earlier 3.x releases do (`prop` pairs). Values outside every
/// range (no data) are not drawn, as QGIS does for a graduated renderer.
public enum QGISStyle {
  /// The style of `attribute` classed by `breaks` (each class's upper bound,
  /// the first class starting at `lowest`, the smallest value) in `colours`,
  /// with one legend label per class. `outlined`: a thin
  /// white border as the maps draw under 5,000 features, else borders of each
  /// class's own colour (the maps' hairlines on dense grids).
  public static func graduated(
    attribute: String, lowest: Double, breaks: [Double], colours: [Colour], labels: [String],
    outlined: Bool
  ) -> String {
    precondition(
      breaks.count == colours.count && breaks.count == labels.count,
      "one colour and one label per class")
    var ranges = ""
    var symbols = ""
    for index in breaks.indices {
      let lower = index == 0 ? lowest : breaks[index - 1]
      ranges +=
        "      <range render=\"true\" symbol=\"\(index)\" lower=\"\(number(lower))\" "
        + "upper=\"\(number(breaks[index]))\" label=\"\(escaped(labels[index]))\"/>\n"
      symbols += symbol(index, colour: colours[index], outlined: outlined)
    }
    return """
      <!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>
      <qgis version="3.28.0" styleCategories="Symbology">
        <renderer-v2 type="graduatedSymbol" attr="\(escaped(attribute))" graduatedMethod="GraduatedColor" symbollevels="0" forceraster="0" enableorderby="0">
          <ranges>
      \(ranges)    </ranges>
          <symbols>
      \(symbols)    </symbols>
        </renderer-v2>
        <layerGeometryType>2</layerGeometryType>
      </qgis>

      """
  }

  /// A fill symbol of one class.
  private static func symbol(_ index: Int, colour: Colour, outlined: Bool) -> String {
    let fill = rgba(colour)
    let properties = [
      ("color", fill), ("style", "solid"),
      ("outline_color", outlined ? "255,255,255,178" : fill),
      ("outline_style", "solid"),
      // 0.15 and 0.25 points, in millimetres.
      ("outline_width", outlined ? "0.053" : "0.088"), ("outline_width_unit", "MM"),
      ("joinstyle", "round"),
    ]
    let options = properties.map {
      "              <Option name=\"\($0.0)\" type=\"QString\" value=\"\($0.1)\"/>\n"
    }.joined()
    let props = properties.map { "            <prop k=\"\($0.0)\" v=\"\($0.1)\"/>\n" }.joined()
    return """
            <symbol type="fill" name="\(index)" alpha="1" clip_to_extent="1" force_rhr="0">
              <layer class="SimpleFill" enabled="1" locked="0" pass="0">
                <Option type="Map">
      \(options)          </Option>
      \(props)        </layer>
            </symbol>

      """
  }

  /// `r,g,b,a` in 0 ... 255, as QGIS writes colours (opaque).
  private static func rgba(_ colour: Colour) -> String {
    [colour.red, colour.green, colour.blue, 1].map { String(Int(($0 * 255).rounded())) }
      .joined(separator: ",")
  }

  /// A bound with every digit a double holds.
  private static func number(_ value: Double) -> String { String(format: "%.17g", value) }

  /// Text safe inside an XML attribute.
  private static func escaped(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
  }
}
