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

  /// Features are written on a thread of their own in batches of 1,024, at most
  /// 4 waiting: 15,250 cells cross many batches and fill the queue. The output
  /// must not depend on it.
  @Test func theOutputDoesNotDependOnTheThreadCount() throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let grid = folder.appendingPathComponent("cells.gpkg").path
    let made = try Territory.run(
      "grid", "--bbox", "0,0,6100,1000", "--crs", "EPSG:31985", "--cell", "20", "-o", grid)
    #expect(made.status == 0, "\(made.error)")
    var outputs: [Data] = []
    for jobs in [1, 2, 3] {
      let output = folder.appendingPathComponent("cells\(jobs).csv")
      let result = try Territory.run("convert", grid, output.path, "--jobs", "\(jobs)")
      #expect(result.status == 0, "\(result.error)")
      #expect(result.output.contains("15250 features read, 15250 written"))
      outputs.append(try Data(contentsOf: output))
    }
    #expect(!outputs[0].isEmpty && outputs[1] == outputs[0] && outputs[2] == outputs[0])
  }

  /// A bad feature after 3,000 good ones stops the copy while the writing
  /// thread holds queued batches: one error line, nothing written.
  @Test func aBadFeatureLateInTheLayerLeavesNothingBehind() throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let input = folder.appendingPathComponent("points.geojsonl")
    var lines = (0..<3000).map { index in
      #"{"type":"Feature","properties":{"n":\#(index)},"geometry":{"type":"Point","coordinates":[\#(-35 + Double(index) / 1e4),-8]}}"#
    }
    // An infinite coordinate, which the reader refuses.
    lines.append(
      #"{"type":"Feature","properties":{"n":3000},"geometry":{"type":"Point","coordinates":[1e999,-8]}}"#
    )
    try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: input)
    let output = folder.appendingPathComponent("out")
    try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
    for (jobs, name) in [(1, "a.fgb"), (2, "b.fgb"), (2, "c.gpkg")] {
      let result = try Territory.run(
        "convert", input.path, output.appendingPathComponent(name).path, "--jobs", "\(jobs)")
      #expect(result.status == 1)
      #expect(result.error.hasPrefix("error: "), "\(result.error)")
      #expect(result.error.split(separator: "\n").count == 1)
    }
    #expect(Territory.contents(of: output).isEmpty)
  }
}
