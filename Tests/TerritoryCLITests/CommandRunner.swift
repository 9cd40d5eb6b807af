import Foundation
import Testing

/// Runs the built `territory` executable and captures what it prints.
struct CommandResult {
  var status: Int32
  var output: String
  var error: String
}

enum Territory {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()
  static let tracts = root.appendingPathComponent("Data/sites/olinda/olinda_tracts.gpkg").path
  static let dem = root.appendingPathComponent("Data/sites/olinda/olinda_dem_utm25s.tif").path
  static let stations = root.appendingPathComponent("Data/sites/olinda/stations.geojson").path

  /// The executable built beside the test bundle (debug or release).
  static var executable: URL {
    var folder = Bundle.main.bundleURL
    if !FileManager.default.fileExists(atPath: folder.appendingPathComponent("territory").path) {
      folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    }
    return folder.appendingPathComponent("territory")
  }

  static func run(_ arguments: String...) throws -> CommandResult { try runArray(arguments) }

  /// Runs `territory` with `arguments` from the package root and captures its output.
  static func runArray(_ arguments: [String]) throws -> CommandResult {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.currentDirectoryURL = root
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    let errData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(
      status: process.terminationStatus, output: String(decoding: outData, as: UTF8.self),
      error: String(decoding: errData, as: UTF8.self))
  }

  /// The text of a PDF, extracted with `pdftotext`.
  static func pdfText(_ path: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/pdftotext")
    process.arguments = [path, "-"]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return text
  }

  static func scratch() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent(
      "territory-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  static func contents(of folder: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
  }

  /// Runs `territory` on `arguments` (`{dir}` the scratch folder, `{tracts}` and
  /// `{dem}` the bundled data) after creating `files` (paths in the scratch
  /// folder and their content), and checks that the command is refused as the
  /// toolkit promises: exit `status`, one `error: ...` line naming every word of
  /// `mentions`, no crash, nothing written, no staging folder left, and every
  /// file that was there still holding its content.
  static func expectRefused(
    _ arguments: [String], files: [String: String], mentions: [String], status: Int32
  ) throws {
    let folder = try scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    for (name, content) in files {
      let url = folder.appendingPathComponent(name)
      try FileManager.default.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(content.utf8).write(to: url)
    }
    let before = contents(of: folder)
    let process = try runArray(
      arguments.map {
        $0.replacingOccurrences(of: "{dir}", with: folder.path)
          .replacingOccurrences(of: "{tracts}", with: tracts)
          .replacingOccurrences(of: "{dem}", with: dem)
      })
    #expect(process.status == status)
    let lines = process.error.split(separator: "\n")
    #expect(lines.first?.hasPrefix("error: ") == true, "\(process.error)")
    #expect(lines.count <= 2)
    for word in mentions {
      #expect(lines.first?.contains(word) == true, "\(word) in \(process.error)")
    }
    #expect(!process.error.contains("Fatal error"))
    #expect(contents(of: folder) == before, "nothing written, nothing left behind")
    for (name, content) in files {
      let kept = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
      #expect(kept == content, "\(name) left as it was")
    }
  }
}
