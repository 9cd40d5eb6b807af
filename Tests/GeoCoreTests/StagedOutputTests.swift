import Foundation
import GeoCore
import Testing

@Suite("StagedOutput")
struct StagedOutputTests {
  func scratch() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "staged-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  func names(_ folder: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
  }

  @Test func commitMovesEveryFileAndRemovesTheStagingFolder() throws {
    let folder = try scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let output = try StagedOutput(
      path: folder.appendingPathComponent("a.shp").path, policy: .refuse)
    try Data("shp".utf8).write(to: output.stagingPath)
    try Data("dbf".utf8).write(to: output.stagingFolder.appendingPathComponent("a.dbf"))
    #expect(try names(folder).count == 1)  // only the hidden staging folder
    try output.commit()
    #expect(try names(folder) == ["a.dbf", "a.shp"])
  }

  @Test func droppedOrDiscardedLeavesNothing() throws {
    let folder = try scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    do {
      let output = try StagedOutput(
        path: folder.appendingPathComponent("x.gpkg").path, policy: .refuse)
      try Data("partial".utf8).write(to: output.stagingPath)
    }
    #expect(try names(folder).isEmpty)
    let output = try StagedOutput(
      path: folder.appendingPathComponent("y.gpkg").path, policy: .refuse)
    output.discard()
    #expect(try names(folder).isEmpty)
  }

  @Test func existingFilesAreKeptUnlessOverwriting() throws {
    let folder = try scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("a.gpkg").path
    try Data("old".utf8).write(to: URL(fileURLWithPath: path))
    #expect(throws: OutputError.exists(path: path)) {
      try StagedOutput(path: path, policy: .refuse)
    }
    let output = try StagedOutput(path: path, policy: .overwrite)
    try Data("new".utf8).write(to: output.stagingPath)
    try output.commit()
    #expect(try String(contentsOfFile: path, encoding: .utf8) == "new")
  }

  @Test func anExistingSidecarIsNotReplacedWithoutOverwrite() throws {
    let folder = try scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let prj = folder.appendingPathComponent("a.prj")
    try Data("keep".utf8).write(to: prj)
    let output = try StagedOutput(
      path: folder.appendingPathComponent("a.shp").path, policy: .refuse)
    try Data("shp".utf8).write(to: output.stagingPath)
    try Data("prj".utf8).write(to: output.stagingFolder.appendingPathComponent("a.prj"))
    #expect(throws: OutputError.exists(path: prj.path)) { try output.commit() }
    #expect(try names(folder) == ["a.prj"])
    #expect(try String(contentsOf: prj, encoding: .utf8) == "keep")
  }

  @Test func missingFolderIsReported() {
    #expect(throws: OutputError.self) {
      try StagedOutput(path: "/nonexistent/folder/x.gpkg", policy: .refuse)
    }
  }
}
