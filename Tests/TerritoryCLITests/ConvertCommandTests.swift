import Foundation
import GDALKit
import Testing

@Suite("territory convert")
struct ConvertCommandTests {
  @Test("converts the tracts with --to-crs", arguments: ["gpkg", "fgb", "geojson"])
  func converts(ext: String) throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("tracts.\(ext)").path
    var arguments = ["convert", Territory.tracts, output, "--source-crs", "EPSG:4674"]
    if ext != "geojson" { arguments += ["--to-crs", "EPSG:31985"] }
    let result = try Territory.runArray(arguments)
    #expect(result.status == 0, "\(result.error)")
    #expect(result.output.contains("470 features read, 470 written"))
    let layer = try VectorDataset(path: output).layer(at: 0)
    #expect(layer.featureCount() == 470)
    #expect(layer.fields.count == 6)
    #expect(layer.crs?.epsgCode == (ext == "geojson" ? 4326 : 31985))
    #expect(Territory.contents(of: folder) == ["tracts.\(ext)"])
  }

  @Test func overwriteReplaces() throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = folder.appendingPathComponent("t.gpkg").path
    try Data("old".utf8).write(to: URL(fileURLWithPath: output))
    let result = try Territory.runArray(["convert", Territory.tracts, output, "--overwrite"])
    #expect(result.status == 0)
    #expect(try VectorDataset(path: output).layer(at: 0).featureCount() == 470)
  }

  @Test func makeValidSaysWhatItRepaired() throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = folder.appendingPathComponent("bowtie.geojson")
    try Data(
      #"{"type":"FeatureCollection","features":[{"type":"Feature","id":4,"properties":{},"geometry":{"type":"Polygon","coordinates":[[[0,0],[2,2],[2,0],[0,2],[0,0]]]}}]}"#
        .utf8
    ).write(to: input)
    let plain = try Territory.runArray([
      "convert", input.path, folder.appendingPathComponent("a.gpkg").path,
    ])
    #expect(plain.output.contains("1 invalid geometries written as they are (first ids: 4)"))
    let fixed = try Territory.runArray([
      "convert", input.path, folder.appendingPathComponent("b.gpkg").path, "--make-valid",
    ])
    #expect(fixed.status == 0)
    #expect(fixed.output.contains("1 invalid geometries repaired (first ids: 4)"))
  }
}
