import Foundation
import GDALKit
import GeoCore
import PROJKit
import TestFixtures
import Testing

@Suite("Rasters")
struct RasterTests {
  @Test func olindaElevationAsGdalinfoReportsIt() throws {
    // gdalinfo: Size is 111, 111; Float32; no NoData; UTM zone 25S, datum unknown.
    let raster = try RasterDataset(path: Fixtures.dem)
    #expect(raster.driverName == "GTiff")
    #expect(raster.width == 111 && raster.height == 111 && raster.bandCount == 1)
    #expect(try raster.dataTypeName(band: 1) == "Float32")
    #expect(try raster.noDataValue(band: 1) == nil)
    let crs = try #require(raster.crs)
    #expect(crs.isProjected)
    #expect(crs.axisUnit == "metre")
    let t = try #require(raster.geoTransform)
    let extent = try #require(raster.extent)
    #expect(extent.minX == t[0])
    #expect(extent.maxY == t[3])
    #expect(abs(extent.width - 111 * t[1]) < 1e-6)
    let values = try raster.read(
      band: 1, window: RasterWindow(column: 0, row: 0, width: 111, height: 111))
    #expect(values.count == 111 * 111)
    // PROVENANCE.md: values about -1 to 88 m.
    #expect(values.min()! >= -2 && values.max()! <= 100 && values.max()! > 50)
    let floats = try raster.readFloats(
      band: 1, window: RasterWindow(column: 10, row: 20, width: 5, height: 3))
    #expect(
      floats.map(Double.init)
        == (20..<23).flatMap { row in (10..<15).map { values[row * 111 + $0] } })
  }

  @Test func geoTIFFWrittenThenReadBack() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("grid.tif").path
    let transform = [290_000.0, 100, 0, 9_120_000, 0, -100]
    let writer = try GeoTIFFWriter(
      path: path, width: 4, height: 3, dataType: .float32, geoTransform: transform,
      crs: CRS("EPSG:31985"), noData: -9999, policy: .refuse)
    let values = (0..<12).map { Double($0) * 1.5 }
    try writer.write(
      band: 1, window: RasterWindow(column: 0, row: 0, width: 4, height: 3), values: values)
    #expect(Fixtures.contents(of: folder).filter { !$0.hasPrefix(".") }.isEmpty)
    try writer.commit()
    #expect(Fixtures.contents(of: folder) == ["grid.tif"])
    let raster = try RasterDataset(path: path)
    #expect(raster.crs?.epsgCode == 31985)
    #expect(raster.geoTransform == transform)
    #expect(try raster.noDataValue(band: 1) == -9999)
    #expect(
      try raster.read(band: 1, window: RasterWindow(column: 0, row: 0, width: 4, height: 3))
        == values)
  }
}
