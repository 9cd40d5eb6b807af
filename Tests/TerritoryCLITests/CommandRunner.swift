import Foundation

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
}
