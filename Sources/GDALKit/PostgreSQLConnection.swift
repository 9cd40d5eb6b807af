import Foundation

/// A PostgreSQL connection in GDAL's form, accepted wherever a layer's path is:
/// `PG:service=workshop`, or `PG:host=… port=… dbname=… user=…`. The layer is
/// then a table, `schema.table` (or `table` in `public`).
///
/// Credentials come from libpq's usual places (`pg_service.conf`, `~/.pgpass`,
/// the `PG*` environment variables); a password written in the string itself is
/// never shown: every message that names a connection goes through `masked(_:)`.
public enum PostgreSQLConnection {
  /// The seconds libpq waits for a server before giving up, unless the
  /// connection string sets `connect_timeout` itself: a server that is down or
  /// a wrong port is reported within seconds, not after minutes.
  public static let connectTimeout = 5

  /// Whether `path` names a PostgreSQL connection rather than a file.
  public static func isConnection(_ path: String) -> Bool {
    path.hasPrefix("PG:") || path.hasPrefix("pg:")
  }

  /// `text` with every password in it replaced by `***`: the value of a
  /// `password=` keyword (plain or quoted) and the password of a
  /// `postgresql://user:password@host` URI.
  public static func masked(_ text: String) -> String {
    var result = text
    let patterns = [
      #"(?i)(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s'"]+)"#,
      #"(?i)(postgres(?:ql)?://[^:/@\s]+:)([^@\s]+)(?=@)"#,
    ]
    for pattern in patterns {
      guard let expression = try? NSRegularExpression(pattern: pattern) else { continue }
      result = expression.stringByReplacingMatches(
        in: result, range: NSRange(result.startIndex..., in: result), withTemplate: "$1***")
    }
    return result
  }

  /// libpq's reason for a failed connection, on one line, without the
  /// "PQconnectdb failed." GDAL puts before it.
  static func failureReason(_ message: String) -> String {
    let words = message.replacingOccurrences(of: "PQconnectdb failed.", with: "")
      .split(whereSeparator: \.isWhitespace)
    return words.isEmpty ? "no reason given" : words.joined(separator: " ")
  }

  /// The string GDAL opens: `path` with `connect_timeout` added when it has none.
  static func forOpening(_ path: String) -> String {
    guard isConnection(path), !path.lowercased().contains("connect_timeout") else { return path }
    let body = path.dropFirst(3)
    // A URI takes its options after '?'; the keyword form takes them anywhere.
    if body.hasPrefix("postgres") {
      return "PG:" + body + (body.contains("?") ? "&" : "?") + "connect_timeout=\(connectTimeout)"
    }
    return "PG:" + body + " connect_timeout=\(connectTimeout)"
  }
}
