import ArgumentParser
import Foundation
import TerritoryKit

extension TilesCommand {
  /// The raster input, when the inputs are one raster; `nil` for vector inputs.
  /// - Throws: `TilesError.mixedInputs` for a raster among several inputs.
  func rasterInput() throws -> String? {
    for path in inputs where RasterDataset.opensAsRasterOnly(path) {
      guard inputs.count == 1 else { throw TilesError.mixedInputs(path: path) }
      return path
    }
    if colorRamp != nil || hillshade {
      throw TilesError.badOption(
        option: hillshade ? "--hillshade" : "--color-ramp", value: inputs.joined(separator: " "),
        expected: "one raster input (an elevation model, a land-cover grid)")
    }
    return nil
  }

  /// `territory tiles RASTER -o OUT`: PNG tiles.
  func runRaster(_ path: String, policy: ExistingOutputPolicy) throws {
    let style: RasterTileJob.Style? =
      hillshade
      ? .hillshade
      : try colorRamp.map { name throws(TilesError) in .ramp(try ColourRamp(name: name)) }
    let assumed = try assumeCRS.map { definition throws(PROJError) in try CRS(definition) }
    let start = Date()
    let reports = try RasterTileJob.run(
      input: path, output: o, minZoom: minZoom, maxZoom: maxZoom ?? max(minZoom, 14), style: style,
      assumedCRS: assumed, policy: policy, maximumTiles: maxTiles, threads: jobs.threads,
      progress: { report in
        print(
          "z\(report.zoom): \(report.tiles) tiles, \(TilesCommand.size(report.bytes)) (largest \(TilesCommand.size(report.largestTile)))"
        )
      })
    let tiles = reports.reduce(0) { $0 + $1.tiles }
    let bytes = reports.reduce(0) { $0 + $1.bytes }
    print(
      "wrote \(o): \(tiles) PNG tiles, zooms \(reports.first?.zoom ?? minZoom)-\(reports.last?.zoom ?? minZoom), "
        + "\(TilesCommand.size(bytes)); \(String(format: "%.2f", Date().timeIntervalSince(start))) s"
    )
  }
}
