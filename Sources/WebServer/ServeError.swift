/// Why `territory serve` could not serve a folder.
public enum ServeError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The folder does not exist or is not a folder.
  case notAFolder(String)
  /// Another program listens on the port.
  case portInUse(host: String, port: Int)
  /// The address cannot be bound for another reason (unknown host, no permission).
  case cannotListen(host: String, port: Int, reason: String)

  /// One line that says what to do.
  public var description: String {
    switch self {
    case .notAFolder(let path):
      return
        "\(path) is not a folder; serve a web map (out/<site>/web), a tiles folder or an analysis folder"
    case .portInUse(let host, let port):
      return
        "port \(port) on \(host) is already in use by another program; stop it or pass --port with a free port (or --port 0 for any)"
    case .cannotListen(let host, let port, let reason):
      return "cannot listen on \(host) port \(port): \(reason); check --host and --port"
    }
  }
}
