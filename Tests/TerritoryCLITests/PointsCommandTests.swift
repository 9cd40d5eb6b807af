import Foundation
import GDALKit
import Testing

@Suite("territory points")
struct PointsCommandTests {
  static let points = """
    {"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::31985"}},"features":[
    {"type":"Feature","properties":{"pupils":100},"geometry":{"type":"Point","coordinates":[10,10]}},
    {"type":"Feature","properties":{"pupils":300},"geometry":{"type":"Point","coordinates":[20,30]}},
    {"type":"Feature","properties":{"pupils":null},"geometry":{"type":"Point","coordinates":[150,10]}},
    {"type":"Feature","properties":{"pupils":50},"geometry":{"type":"Point","coordinates":[100,50]}}]}
    """
  static let zones = """
    {"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::31985"}},"features":[
    {"type":"Feature","properties":{"name":"west"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[100,0],[100,100],[0,100],[0,0]]]}},
    {"type":"Feature","properties":{"name":"east"},"geometry":{"type":"Polygon","coordinates":[[[100,0],[200,0],[200,100],[100,100],[100,0]]]}},
    {"type":"Feature","properties":{"name":"far"},"geometry":{"type":"Polygon","coordinates":[[[500,500],[600,500],[600,600],[500,500]]]}}]}
    """

  @Test func countsSumsAndMeansOnAGrid() throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = folder.appendingPathComponent("schools.geojson")
    try Data(Self.points.utf8).write(to: input)
    let output = folder.appendingPathComponent("cells.csv").path
    let result = try Territory.runArray([
      "points", input.path, "--to-crs", "EPSG:31985", "--grid", "100", "--sum", "pupils", "--mean",
      "pupils",
      "-o", output,
    ])
    #expect(result.status == 0, "\(result.error)")
    let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").map(
      String.init)
    #expect(lines[0] == "col,row,x_min,y_min,x_max,y_max,count,pupils_sum,pupils_mean")
    // Cell (0,0) holds 2 schools (100 + 300), cell (1,0) two: (150,10) without a value and (100,50).
    #expect(lines[1] == "0,0,0,0,100,100,2,400,200")
    #expect(lines[2] == "1,0,100,0,200,100,2,50,50")
  }

  @Test func countsInZonesOnceOnTheirBorder() throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = folder.appendingPathComponent("schools.geojson")
    try Data(Self.points.utf8).write(to: input)
    let zones = folder.appendingPathComponent("zones.geojson")
    try Data(Self.zones.utf8).write(to: zones)
    let output = folder.appendingPathComponent("zones.csv").path
    let result = try Territory.runArray([
      "points", input.path, "--to-crs", "EPSG:31985", "--target", zones.path, "--sum", "pupils",
      "-o", output,
    ])
    #expect(result.status == 0, "\(result.error)")
    let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").map(
      String.init)
    // (100,50) lies on the west/east border: counted once, in the first zone.
    #expect(lines == ["name,count,pupils_sum", "west,3,450", "east,1,0", "far,0,0"])
  }
}
