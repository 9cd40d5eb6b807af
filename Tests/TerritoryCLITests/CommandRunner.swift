import Foundation
import Testing

/// Runs the built `territory` executable and captures what it prints.
/// A word of a PDF page and its box, in points from the top left.
struct PageWord: Sendable, CustomStringConvertible {
  var text: String
  var minX: Double
  var minY: Double
  var maxX: Double
  var maxY: Double

  /// The share of the smaller of the two boxes that the other covers.
  func overlap(with other: PageWord) -> Double {
    let width = min(maxX, other.maxX) - max(minX, other.minX)
    let height = min(maxY, other.maxY) - max(minY, other.minY)
    guard width > 0, height > 0 else { return 0 }
    let smaller = min(
      (maxX - minX) * (maxY - minY), (other.maxX - other.minX) * (other.maxY - other.minY))
    return width * height / max(smaller, 1e-9)
  }

  var description: String { "'\(text)' at (\(Int(minX)), \(Int(minY)))" }
}

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

  /// Runs `territory` with `arguments` from the package root and captures its
  /// output; `environment` adds to the test process's environment.
  static func runArray(_ arguments: [String], environment: [String: String] = [:]) throws
    -> CommandResult
  {
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
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

  /// The words of a PDF and their boxes in points (`pdftotext -bbox-layout`).
  static func pdfWords(_ path: String) throws -> [PageWord] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/pdftotext")
    process.arguments = ["-bbox-layout", path, "-"]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    let pattern = try NSRegularExpression(
      pattern:
        #"<word xMin="([-0-9.]+)" yMin="([-0-9.]+)" xMax="([-0-9.]+)" yMax="([-0-9.]+)">([^<]*)</word>"#
    )
    let range = NSRange(text.startIndex..., in: text)
    return pattern.matches(in: text, range: range).map { match in
      func group(_ index: Int) -> String { String(text[Range(match.range(at: index), in: text)!]) }
      return PageWord(
        text: group(5), minX: Double(group(1))!, minY: Double(group(2))!, maxX: Double(group(3))!,
        maxY: Double(group(4))!)
    }
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
