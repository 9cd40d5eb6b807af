import Foundation
import GDALKit
import GeoCore
import PROJKit
import Style
import TestFixtures
import Testing

@testable import Tiles

/// A raster of 100,000 x 100,000 pixels holding data in one corner of 512 x 512
/// ran for minutes without a line: every zoom was warped over the whole empty
/// expanse. Now only the blocks that may hold data are read, each zoom is
/// reported when written, and a pyramid over the tile limit is refused up front.
@Suite("Raster tiles of a huge, mostly empty raster")
struct SparseRasterTilesTests {
  /// A sparse GeoTIFF, 10 m pixels in Web Mercator, data (0 ... 1) only at pixels
  /// 50,000 ... 50,511 in both directions.
  func sparseRaster(in folder: URL) throws -> String {
    let path = folder.appendingPathComponent("sparse.tif").path
    let writer = try GeoTIFFWriter(
      path: path, width: 100_000, height: 100_000, dataType: .float32,
      geoTransform: [0, 10, 0, 1_000_000, 0, -10], crs: try CRS("EPSG:3857"), noData: -9999,
      sparse: true, policy: .refuse)
    let values = (0..<(512 * 512)).map { Double($0) / Double(512 * 512) }
    try writer.write(
      band: 1, window: RasterWindow(column: 50_000, row: 50_000, width: 512, height: 512),
      values: values)
    try writer.commit()
    return path
  }

  @Test func onlyTheTilesOverTheDataAreMadeAndEachZoomIsReported() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let raster = try sparseRaster(in: folder)
    let size = try FileManager.default.attributesOfItem(atPath: raster)[.size] as? Int ?? 0
    #expect(size < 10_000_000, "the file stays sparse")
    var seen: [Int] = []
    let reports = try RasterTileJob.run(
      input: raster, output: folder.appendingPathComponent("tiles").path, minZoom: 0, maxZoom: 12,
      style: .ramp(ColourRamp(name: "Blues")), assumedCRS: nil, policy: .refuse,
      progress: { seen.append($0.zoom) })
    #expect(seen == Array(0...12), "one report per zoom, in order, as each is written")
    // The data covers 5.12 km: one tile from z0 to z11 (a z11 tile is 19.6 km),
    // at most four at z12 (9.8 km).
    for report in reports {
      #expect(report.tiles >= 1 && report.tiles <= (report.zoom == 12 ? 4 : 2), "z\(report.zoom)")
    }
    // The tile over the data at z12 holds it: (500 km, 497 km) from the origin.
    let x = Int((500_000 + 20_037_508.342_789_244) / (2 * 20_037_508.342_789_244) * 4096)
    let y = Int((20_037_508.342_789_244 - 497_500) / (2 * 20_037_508.342_789_244) * 4096)
    let tile = folder.appendingPathComponent("tiles/12/\(x)/\(y).png").path
    #expect(FileManager.default.fileExists(atPath: tile), "\(tile)")
  }

  @Test func aPyramidOverTheTileLimitIsRefusedBeforeAnyWork() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let raster = try sparseRaster(in: folder)
    let output = folder.appendingPathComponent("tiles.pmtiles").path
    #expect {
      _ = try RasterTileJob.run(
        input: raster, output: output, minZoom: 0, maxZoom: 18, style: nil, assumedCRS: nil,
        policy: .refuse)
    } throws: { error in
      guard case .tooManyTiles(_, let count, let maximum, _) = error as? TilesError else {
        return false
      }
      return count > maximum && maximum == RasterTileJob.defaultMaximumTiles
    }
    #expect(!FileManager.default.fileExists(atPath: output))
    #expect(Fixtures.contents(of: folder) == ["sparse.tif"])
  }
}
