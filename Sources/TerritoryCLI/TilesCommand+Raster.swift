import Foundation
import TerritoryKit

extension TilesCommand {
  /// One raster zoom's line.
  static func rasterLine(_ report: ZoomReport) -> String {
    "z\(report.zoom): \(report.tiles) tiles, \(size(report.bytes)) (largest \(size(report.largestTile)))"
  }

  /// The last line: what was written, and how long it took.
  static func summary(_ result: TilesResult, output: String, seconds: Double) -> String {
    let time = String(format: "%.2f", seconds)
    switch result {
    case .raster(let reports):
      let tiles = reports.reduce(0) { $0 + $1.tiles }
      let bytes = reports.reduce(0) { $0 + $1.bytes }
      let zooms = "\(reports.first?.zoom ?? 0)-\(reports.last?.zoom ?? 0)"
      return "wrote \(output): \(tiles) PNG tiles, zooms \(zooms), \(size(bytes)); \(time) s"
    case .vector(let summary):
      var lines: [String] = []
      for layer in summary.layers where layer.withoutGeometry > 0 {
        lines.append(
          "  \(layer.name): \(layer.withoutGeometry) features without geometry are in no tile")
      }
      let tiles = summary.zooms.reduce(0) { $0 + $1.tiles }
      let bytes = summary.zooms.reduce(0) { $0 + $1.bytes }
      let dropped = summary.zooms.reduce(0) { $0 + $1.droppedForLimits }
      let small = summary.zooms.reduce(0) { $0 + $1.tooSmall }
      let layers = summary.layers.map { "\($0.name) (\($0.features) features)" }.joined(
        separator: ", ")
      lines.append(
        "wrote \(output): \(tiles) tiles, zooms \(summary.minZoom)-\(summary.maxZoom), "
          + "\(size(bytes)), layers \(layers); \(small) pieces too small to draw, "
          + "\(dropped) dropped for tile limits; \(time) s")
      return lines.joined(separator: "\n")
    }
  }
}
