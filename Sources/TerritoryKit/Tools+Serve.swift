import Foundation

extension Tools {
  /// `territory serve`: serves `folder` (a web map, a tiles folder, an analysis
  /// folder) over HTTP on `host` and `port` until SIGINT (Ctrl-C) or SIGTERM.
  /// - Parameters:
  ///   - log: called with one line per request.
  ///   - onReady: called once listening, with the port (the free one chosen for `0`).
  /// - Throws: `ServeError` (not a folder, port in use, address not usable).
  public static func serve(
    folder: String, host: String = "127.0.0.1", port: Int = 8000,
    log: @escaping @Sendable (String) -> Void, onReady: @escaping @Sendable (Int) -> Void
  ) async throws {
    let server = try SiteServer(folder: folder, host: host, port: port, log: log)
    try await server.run(onReady: onReady)
  }
}
