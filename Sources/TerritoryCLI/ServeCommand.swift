import ArgumentParser
import Foundation
import TerritoryKit

/// `territory serve DIR [--port 8000] [--host 127.0.0.1] [--open]`.
struct ServeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve",
    abstract: "Serve a web map, a tiles folder or an analysis folder on this machine.",
    discussion: """
      Answers GET and HEAD with the folder's files: single byte ranges (for PMTiles), the \
      media type by extension, tiles and JSON compressed in place sent as gzip, one line \
      per request on standard error. Paths leaving the folder (.., %2e%2e, symbolic links) \
      are refused. An analysis folder opens on its web map (web/). Listens on 127.0.0.1 \
      only unless --host says otherwise; Ctrl-C stops it.

      Example:
        territory serve out/olinda/web --open
      """)

  @Argument(help: "The folder to serve.")
  var folder: String

  @Option(help: "The port (0: any free one).")
  var port = 8000

  @Option(help: "The address to listen on (0.0.0.0: every network of this machine).")
  var host = "127.0.0.1"

  @Flag(help: "Open the page in the default browser.")
  var open = false

  func validate() throws {
    guard (0...65_535).contains(port) else {
      throw ValidationError("--port must be between 0 and 65535, not \(port)")
    }
  }

  func run() throws {
    let host = host
    let port = port
    let open = open
    let folder = folder
    try BlockingTask.run {
      try await Tools.serve(
        folder: folder, host: host, port: port,
        log: { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
      ) { port in
        let address = "http://\(host.contains(":") ? "[\(host)]" : host):\(port)/"
        FileHandle.standardOutput.write(
          Data("serving \(folder) at \(address) (Ctrl-C stops)\n".utf8))
        if open { Browser.open(address) }
      }
    }
    FileHandle.standardOutput.write(Data("stopped\n".utf8))
  }
}

/// Opens a page in the desktop's browser, if there is a desktop.
enum Browser {
  static func open(_ address: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["xdg-open", address]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    do {
      try process.run()
    } catch {
      FileHandle.standardError.write(Data("open \(address) in a browser\n".utf8))
    }
  }
}

/// Runs async work to its end from synchronous code (the command line's `run`).
enum BlockingTask {
  private final class Outcome: @unchecked Sendable {
    var error: (any Error)?
  }

  static func run(_ work: @escaping @Sendable () async throws -> Void) throws {
    let outcome = Outcome()
    let done = DispatchSemaphore(value: 0)
    Task.detached {
      do { try await work() } catch { outcome.error = error }
      done.signal()
    }
    done.wait()
    if let error = outcome.error { throw error }
  }
}
