import Foundation
import Hummingbird
import Logging

/// Serves a folder (a web map, a tiles folder, an analysis folder) over HTTP
/// on Hummingbird: `GET` and `HEAD` only, single byte ranges (PMTiles reads
/// its archive by ranges), the media type by extension, tiles and JSON that
/// are gzip-compressed in place sent with `Content-Encoding: gzip`, and one log
/// line per request. Paths are looked up by `FileLookup`, which refuses
/// anything that leaves the folder.
public struct SiteServer: Sendable {
  /// The served folder, by its real path.
  public let root: String
  /// The address listened on (`127.0.0.1`: this machine only).
  public var host: String
  /// The port (`0`: any free one, told to `run`'s `onReady`).
  public var port: Int
  /// Where the request lines go.
  public var log: @Sendable (String) -> Void

  /// A server for `folder`.
  /// - Throws: `ServeError.notAFolder` when `folder` is not one.
  public init(
    folder: String, host: String = "127.0.0.1", port: Int = 8000,
    log: @escaping @Sendable (String) -> Void
  ) throws(ServeError) {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder),
      isFolder.boolValue, let real = FileLookup.realPath(folder)
    else { throw ServeError.notAFolder(folder) }
    root = real
    self.host = host
    self.port = port
    self.log = log
  }

  /// Serves until the process gets SIGINT (Ctrl-C) or SIGTERM, then stops
  /// accepting connections, finishes the requests under way and returns.
  /// - Parameter onReady: called once listening, with the port.
  /// - Throws: `ServeError.portInUse` or `.cannotListen`.
  public func run(onReady: @escaping @Sendable (Int) -> Void) async throws(ServeError) {
    let root = root
    let log = log
    let responder = CallbackResponder<BasicRequestContext> { request, _ in
      Self.respond(to: request, root: root, log: log)
    }
    let app = Application(
      responder: responder,
      configuration: ApplicationConfiguration(address: .hostname(host, port: port)),
      onServerRunning: { channel in onReady(channel.localAddress?.port ?? 0) },
      logger: Logger(label: "territory-serve", factory: { _ in SwiftLogNoOpLogHandler() }))
    do {
      try await app.runService()
    } catch {
      let reason = String(describing: error)
      if reason.contains("Address already in use") || reason.contains("errno: 98") {
        throw ServeError.portInUse(host: host, port: port)
      }
      throw ServeError.cannotListen(host: host, port: port, reason: reason)
    }
  }

  /// The answer to one request, logged.
  static func respond(to request: Request, root: String, log: (String) -> Void) -> Response {
    let path = request.uri.path
    let method = request.method
    func answer(_ status: HTTPResponse.Status, _ note: String = "", _ response: Response)
      -> Response
    {
      log("\(method) \(path) \(status.code)\(note.isEmpty ? "" : " " + note)")
      return response
    }
    guard method == .get || method == .head else {
      return answer(
        .methodNotAllowed, "", Response(status: .methodNotAllowed, headers: [.allow: "GET, HEAD"]))
    }
    switch FileLookup.find(path, in: root) {
    case .refused(let reason):
      return answer(.notFound, "refused: \(reason)", notFound())
    case .missing:
      return answer(.notFound, "", notFound())
    case .redirect(let target):
      return answer(.found, "-> \(target)", Response(status: .found, headers: [.location: target]))
    case .file(let file, let size):
      var headers: HTTPFields = [
        .contentType: MediaType.of(file), .acceptRanges: "bytes", .cacheControl: "no-cache",
      ]
      if MediaType.isCompressedInPlace(file), startsWithGzipMagic(file) {
        headers[.contentEncoding] = "gzip"
      }
      let range = ByteRange(header: request.headers[.range], length: size)
      let bytes: ClosedRange<Int>?
      var status = HTTPResponse.Status.ok
      switch range {
      case .whole:
        bytes = size > 0 ? 0...(size - 1) : nil
      case .partial(let part):
        bytes = part
        status = .partialContent
        headers[.contentRange] = "bytes \(part.lowerBound)-\(part.upperBound)/\(size)"
      case .unsatisfiable:
        headers[.contentRange] = "bytes */\(size)"
        return answer(
          .rangeNotSatisfiable, "range \(request.headers[.range] ?? "")",
          Response(status: .rangeNotSatisfiable, headers: headers))
      }
      let length = bytes.map { $0.count } ?? 0
      if method == .head {
        headers[.contentLength] = String(length)
        return answer(status, "\(length) bytes", Response(status: status, headers: headers))
      }
      guard let data = read(file, bytes) else {
        return answer(.notFound, "unreadable", notFound())
      }
      return answer(
        status, "\(data.count) bytes",
        Response(
          status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
      )
    }
  }

  private static func notFound() -> Response {
    Response(
      status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
      body: ResponseBody(byteBuffer: ByteBuffer(string: "not found\n")))
  }

  /// The bytes `range` of `file` (empty for an empty file), `nil` when it cannot be read.
  private static func read(_ file: String, _ range: ClosedRange<Int>?) -> Data? {
    guard let range else { return Data() }
    guard let handle = FileHandle(forReadingAtPath: file) else { return nil }
    defer { try? handle.close() }
    guard (try? handle.seek(toOffset: UInt64(range.lowerBound))) != nil,
      let data = try? handle.read(upToCount: range.count)
    else { return nil }
    return data
  }

  private static func startsWithGzipMagic(_ file: String) -> Bool {
    guard let handle = FileHandle(forReadingAtPath: file) else { return false }
    defer { try? handle.close() }
    return (try? handle.read(upToCount: 2)) == Data([0x1f, 0x8b])
  }
}
