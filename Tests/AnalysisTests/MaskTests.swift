import Foundation
import GDALKit
import GeoCore
import PROJKit
import TestFixtures
import Testing

@testable import Analysis

@Suite("Dasymetric mask")
struct MaskTests {
  static let crsMember =
    #""crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::31985"}}"#

  /// A 2 x 1 source holding 10 people, and a grid of 1 m.
  func job(in folder: URL, mask: String) throws -> InterpolationJob {
    let source = folder.appendingPathComponent("units.geojson")
    try Data(
      """
      {"type":"FeatureCollection",\(Self.crsMember),"features":[{"type":"Feature","id":1,"properties":{"people":10},
      "geometry":{"type":"Polygon","coordinates":[[[0,0],[2,0],[2,1],[0,1],[0,0]]]}}]}
      """.utf8
    ).write(to: source)
    var request = SourceRequest(path: source.path)
    request.extensive = ["people"]
    var job = InterpolationJob(
      source: request, workingCRS: try CRS("EPSG:31985"),
      target: .grid(.square(SquareGrid(cellSize: 1))),
      output: folder.appendingPathComponent("out.csv").path)
    job.mask = (mask, nil)
    return job
  }

  /// The cells written to `out.csv`: (col, row, covered_area, people) per line.
  func writtenCells(in folder: URL) throws -> [(key: TargetKey, covered: Double, people: Double)] {
    let text = try String(
      contentsOf: folder.appendingPathComponent("out.csv"), encoding: .utf8)
    var lines = text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",") }
    let header = lines.removeFirst().map(String.init)
    #expect(header == ["col", "row", "x_min", "y_min", "x_max", "y_max", "covered_area", "people"])
    return lines.map { line in
      (
        TargetKey(column: Int(line[0])!, row: Int(line[1])!), Double(line[6])!,
        Double(line[7])!
      )
    }
  }

  @Test func polygonMaskSendsTheCountsToTheMaskedPart() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let mask = folder.appendingPathComponent("built.geojson")
    try Data(
      """
      {"type":"FeatureCollection",\(Self.crsMember),"features":[{"type":"Feature","properties":{},
      "geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}}]}
      """.utf8
    ).write(to: mask)
    let summary = try job(in: folder, mask: mask.path).run()
    // Without the mask each cell would get 5; with it the built-up cell gets all 10.
    let cells = try writtenCells(in: folder)
    #expect(cells.map(\.key) == [TargetKey(column: 0, row: 0)])
    #expect(cells.map(\.people) == [10])
    #expect(summary.written == 1)
    #expect(summary.result.balances[0].isBalanced)
  }

  @Test func rasterMaskOfBuiltUpPixels() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let mask = folder.appendingPathComponent("built.tif").path
    // Pixels of 0.5 m: the left half of the left cell is built up (1), the rest not (0).
    let writer = try GeoTIFFWriter(
      path: mask, width: 4, height: 2, dataType: .byte, geoTransform: [0, 0.5, 0, 1, 0, -0.5],
      crs: CRS("EPSG:31985"), policy: .refuse)
    try writer.write(
      band: 1, window: RasterWindow(column: 0, row: 0, width: 4, height: 2),
      values: [1, 0, 0, 0, 1, 0, 0, 0])
    try writer.commit()
    _ = try job(in: folder, mask: mask).run()
    let cells = try writtenCells(in: folder)
    #expect(cells.map(\.people) == [10])
    #expect(cells.map(\.covered) == [0.5])
  }

  @Test func sourcesOutsideTheMaskFallOutsideEveryTarget() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let mask = folder.appendingPathComponent("far.geojson")
    try Data(
      """
      {"type":"FeatureCollection",\(Self.crsMember),"features":[{"type":"Feature","properties":{},
      "geometry":{"type":"Polygon","coordinates":[[[50,50],[51,50],[51,51],[50,51],[50,50]]]}}]}
      """.utf8
    ).write(to: mask)
    let summary = try job(in: folder, mask: mask.path).run()
    #expect(summary.written == 0)
    #expect(try writtenCells(in: folder).isEmpty)
    #expect(
      summary.result.balances == [
        MassBalance(variable: "people", totalIn: 10, totalOut: 0, outside: 10)
      ])
  }
}
