import ArgumentParser
import Foundation
import TerritoryKit

/// `territory info PATH [--json]`.
struct Info: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Describe a vector or raster file: layers, counts, CRS, extent, fields or bands.",
    discussion: """
      Example:
        territory info Data/sites/olinda/olinda_tracts.gpkg
        territory info Data/sites/olinda/olinda_dem_utm25s.tif --json
      """)

  @Argument(help: "A vector or raster file that GDAL reads.")
  var path: String

  @Flag(help: "Print JSON for scripts and notebooks instead of a table.")
  var json = false

  func run() throws {
    let summary = try Tools.info(path: path)
    if json {
      let encoder = JSONEncoder()
      encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
      print(String(decoding: try encoder.encode(summary), as: UTF8.self))
    } else {
      print(InfoText.render(summary), terminator: "")
    }
  }
}

/// The human-readable form of a `DatasetSummary`.
enum InfoText {
  static func render(_ summary: DatasetSummary) -> String {
    var lines: [String] = []
    if let layers = summary.layers {
      lines.append(
        "\(summary.path): vector data, driver \(summary.driver), \(layers.count) layer\(layers.count == 1 ? "" : "s")"
      )
      for layer in layers {
        lines.append("")
        lines.append("Layer '\(layer.name)'")
        lines.append(row("geometry", layer.geometryType))
        lines.append(
          row(
            "features",
            layer.featureCount.map(String.init) ?? "unknown (the format does not store it)"))
        lines.append(row("CRS", crs(layer.crs)))
        lines.append(row("extent", extent(layer.extent)))
        lines.append(row("fields", layer.fields.isEmpty ? "none" : String(layer.fields.count)))
        for field in layer.fields {
          lines.append(
            "    \(field.name.padding(toLength: max(12, field.name.count), withPad: " ", startingAt: 0))  \(field.type.rawValue)"
          )
        }
        for warning in layer.warnings ?? [] { lines.append("  warning: \(warning)") }
      }
    } else {
      lines.append("\(summary.path): raster, driver \(summary.driver)")
      lines.append(row("size", "\(summary.width ?? 0) x \(summary.height ?? 0) pixels"))
      if let pixel = summary.pixelSize {
        lines.append(row("pixel size", "\(format(pixel[0])) x \(format(pixel[1]))"))
      }
      lines.append(row("CRS", crs(summary.crs)))
      lines.append(row("extent", extent(summary.extent)))
      for band in summary.bands ?? [] {
        let noData = band.noData.map { "nodata \(format($0))" } ?? "no nodata value"
        lines.append(row("band \(band.index)", "\(band.dataType), \(noData)"))
      }
    }
    return lines.joined(separator: "\n") + "\n"
  }

  private static func row(_ label: String, _ value: String) -> String {
    "  " + label.padding(toLength: 10, withPad: " ", startingAt: 0) + "  " + value
  }

  private static func crs(_ crs: DatasetSummary.CRSSummary?) -> String {
    guard let crs else { return "none declared" }
    let code = crs.epsg.map { "EPSG:\($0)" } ?? "no EPSG code"
    let datum = crs.datum.map { ", datum \($0)" } ?? ""
    return "\(crs.name) (\(code); \(crs.kind), \(crs.unit)\(datum))"
  }

  private static func extent(_ box: [Double]?) -> String {
    guard let box else { return "none (empty)" }
    return "x \(format(box[0])) to \(format(box[2])), y \(format(box[1])) to \(format(box[3]))"
  }

  private static func format(_ value: Double) -> String {
    value.rounded() == value && abs(value) < 1e15 ? String(Int64(value)) : String(value)
  }
}
