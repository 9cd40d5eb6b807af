import Foundation
import GDALKit
import Testing

/// `territory serve` as a real server on a free port, asked by curl (which
/// sends paths as they are written, `..` included): files, media types, byte
/// ranges, gzip tiles, refusals of every way to `/etc/passwd`, the port in use
/// and Ctrl-C.
@Suite("territory serve")
struct ServeCommandTests {
  /// A running `territory serve` and what it printed.
  final class Server {
    let process = Process()
    let output = Pipe()
    let error = Pipe()
    var port = 0

    init(_ folder: String, port: Int = 0) throws {
      process.executableURL = Territory.executable
      process.arguments = ["serve", folder, "--port", String(port)]
      process.standardOutput = output
      process.standardError = error
      try process.run()
      var printed = Data()
      while !printed.contains(UInt8(ascii: "\n")) {
        let chunk = output.fileHandleForReading.availableData
        if chunk.isEmpty { break }
        printed.append(chunk)
      }
      let line = String(decoding: printed, as: UTF8.self)
      guard let range = line.range(of: #"http://127\.0\.0\.1:(\d+)/"#, options: .regularExpression)
      else { throw CommandError(line) }
      self.port = Int(line[range].dropFirst("http://127.0.0.1:".count).dropLast()) ?? 0
    }

    /// Sends SIGINT, as Ctrl-C does, and returns the exit status, the rest of
    /// standard output and standard error.
    func interrupt() -> (Int32, String, String) {
      process.interrupt()
      let rest = output.fileHandleForReading.readDataToEndOfFile()
      let log = error.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      return (
        process.terminationStatus, String(decoding: rest, as: UTF8.self),
        String(decoding: log, as: UTF8.self)
      )
    }
  }

  struct CommandError: Error {
    let text: String
    init(_ text: String) { self.text = text }
  }

  /// One answer: status, headers (lowercased names) and body.
  struct Answer {
    var status: Int
    var headers: [String: String]
    var body: Data
  }

  /// Asks `path` of the server with curl, the path sent exactly as written.
  static func get(_ port: Int, _ path: String, range: String? = nil, method: String = "GET")
    throws -> Answer
  {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
    var arguments = ["-s", "-i", "--path-as-is", "-X", method]
    if method == "HEAD" { arguments = ["-s", "-I", "--path-as-is"] }
    if let range { arguments += ["-H", "Range: \(range)"] }
    process.arguments = arguments + ["http://127.0.0.1:\(port)\(path)"]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard let split = data.range(of: Data("\r\n\r\n".utf8)) else { throw CommandError("no answer") }
    let head = String(decoding: data[..<split.lowerBound], as: UTF8.self).components(
      separatedBy: "\r\n")
    var headers: [String: String] = [:]
    for line in head.dropFirst() {
      guard let colon = line.firstIndex(of: ":") else { continue }
      headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
        in: .whitespaces)
    }
    let status = Int(head.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
    return Answer(status: status, headers: headers, body: Data(data[split.upperBound...]))
  }

  /// A served folder: a page, a gzip tile, a plain tile, an archive; beside it
  /// links out of it.
  static func makeSite() throws -> (URL, [UInt8], Data) {
    let base = try Territory.scratch()
    let site = base.appendingPathComponent("site")
    try FileManager.default.createDirectory(
      at: site.appendingPathComponent("tiles/0/0"), withIntermediateDirectories: true)
    try Data("<!doctype html><title>t</title>".utf8).write(
      to: site.appendingPathComponent("index.html"))
    let tile = try Gzip.compress(Array("a vector tile".utf8))
    try Data(tile).write(to: site.appendingPathComponent("tiles/0/0/0.pbf"))
    let archive = Data((0..<1_000).map { UInt8($0 % 251) })
    try archive.write(to: site.appendingPathComponent("site.pmtiles"))
    try FileManager.default.createSymbolicLink(
      atPath: site.appendingPathComponent("etc").path, withDestinationPath: "/etc")
    try FileManager.default.createSymbolicLink(
      atPath: site.appendingPathComponent("passwd").path, withDestinationPath: "/etc/passwd")
    return (base, tile, archive)
  }

  @Test func servesFilesRangesAndGzipTilesAndRefusesEveryWayOut() throws {
    let (base, tile, archive) = try Self.makeSite()
    defer { try? FileManager.default.removeItem(at: base) }
    let server = try Server(base.appendingPathComponent("site").path)
    let port = server.port

    let page = try Self.get(port, "/")
    #expect(page.status == 200 && page.headers["content-type"] == "text/html; charset=utf-8")
    let gzipped = try Self.get(port, "/tiles/0/0/0.pbf")
    #expect(gzipped.status == 200 && gzipped.headers["content-encoding"] == "gzip")
    #expect(gzipped.headers["content-type"] == "application/vnd.mapbox-vector-tile")
    #expect(Array(gzipped.body) == tile)
    #expect(try Self.get(port, "/tiles/0/0/1.pbf").status == 404)

    // Ranges, as PMTiles asks for them.
    let part = try Self.get(port, "/site.pmtiles", range: "bytes=100-199")
    #expect(part.status == 206 && part.body == archive[100..<200])
    #expect(part.headers["content-range"] == "bytes 100-199/1000")
    #expect(part.headers["accept-ranges"] == "bytes")
    let tail = try Self.get(port, "/site.pmtiles", range: "bytes=-10")
    #expect(tail.status == 206 && tail.body == archive[990..<1000])
    for malformed in ["bytes=9-3", "bytes=0-1,5-6", "lines=1-2"] {
      let whole = try Self.get(port, "/site.pmtiles", range: malformed)
      #expect(whole.status == 200 && whole.body == archive, "\(malformed)")
    }
    let past = try Self.get(port, "/site.pmtiles", range: "bytes=5000-")
    #expect(past.status == 416 && past.headers["content-range"] == "bytes */1000")
    let head = try Self.get(port, "/site.pmtiles", method: "HEAD")
    #expect(head.status == 200 && head.headers["content-length"] == "1000" && head.body.isEmpty)
    #expect(try Self.get(port, "/index.html", method: "DELETE").status == 405)

    // /etc/passwd in every way: .., encoded .., encoded slashes, absolute, links.
    for path in [
      "/../../../../../etc/passwd", "/tiles/../../../../../../etc/passwd",
      "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
      "/..%2f..%2f..%2f..%2f..%2fetc%2fpasswd", "/%2fetc%2fpasswd", "//etc/passwd",
      "/etc/passwd", "/passwd", "/etc/", "/%252e%252e/etc/passwd",
    ] {
      let answer = try Self.get(port, path)
      #expect(answer.status == 404, "\(path)")
      #expect(!String(decoding: answer.body, as: UTF8.self).contains("root:"), "\(path)")
    }

    let (status, rest, log) = server.interrupt()
    #expect(status == 0, "\(log)")
    #expect(rest.contains("stopped"))
    let lines = log.split(separator: "\n")
    #expect(lines.contains { $0.hasPrefix("GET /site.pmtiles 206") })
    #expect(lines.contains { $0.hasPrefix("GET /../../../../../etc/passwd 404 refused") })
    #expect(lines.contains { $0.hasPrefix("GET /passwd 404 refused: a symbolic link") })
    // One line per request, and only that.
    #expect(lines.count == 22, "\(log)")
  }

  @Test func aPortInUseIsNamed() throws {
    let (base, _, _) = try Self.makeSite()
    defer { try? FileManager.default.removeItem(at: base) }
    let server = try Server(base.appendingPathComponent("site").path)
    defer { _ = server.interrupt() }
    let second = try Territory.run(
      "serve", base.appendingPathComponent("site").path, "--port", String(server.port))
    #expect(second.status == 1)
    #expect(
      second.error.hasPrefix("error: port \(server.port) on 127.0.0.1 is already in use"),
      "\(second.error)")
    #expect(second.error.split(separator: "\n").count == 1)
  }

  @Test func aMissingFolderOrABadPortIsRefused() throws {
    let missing = try Territory.run("serve", "/no/such/folder")
    #expect(missing.status == 1)
    #expect(missing.error.hasPrefix("error: /no/such/folder is not a folder"), "\(missing.error)")
    let port = try Territory.run("serve", ".", "--port", "70000")
    #expect(port.status == 64 && port.error.contains("--port"), "\(port.error)")
  }
}
