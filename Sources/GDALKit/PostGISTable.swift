/// A table named on the command line as `schema.table` (or `table`, in the
/// connection's current schema), to be written to.
///
/// Names are only ever put in SQL through `quoted(_:)`: a name such as
/// `x; DROP TABLE y` is a strange table name, never a statement.
public struct PostGISTable: Sendable, Equatable, CustomStringConvertible {
  /// The schema, or `nil` for the connection's current schema (normally `public`).
  public var schema: String?
  /// The table's name, exactly as given (not folded to lower case).
  public var name: String

  /// The longest identifier PostgreSQL keeps whole (`NAMEDATALEN - 1` bytes);
  /// a longer one would be cut silently.
  public static let longestName = 63

  /// Reads `text` as `schema.table`, split at the first dot.
  /// - Throws: `GDALError.invalidTableName` for an empty part, a NUL character
  ///   or a part longer than 63 bytes.
  public init(parsing text: String) throws(GDALError) {
    let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
    let schema = parts.count == 2 ? String(parts[0]) : nil
    let name = String(parts.count == 2 ? parts[1] : parts[0])
    for part in [schema, name].compactMap({ $0 }) {
      if part.isEmpty {
        throw .invalidTableName(name: text, reason: "a schema or table name is empty")
      }
      if part.contains("\0") {
        throw .invalidTableName(name: text, reason: "it contains a NUL character")
      }
      if part.utf8.count > Self.longestName {
        throw .invalidTableName(
          name: text, reason: "'\(part)' is longer than PostgreSQL's \(Self.longestName) bytes")
      }
    }
    self.schema = schema
    self.name = name
  }

  /// `schema.table` as given.
  public var description: String { schema.map { "\($0).\(name)" } ?? name }

  /// `identifier` as a quoted SQL identifier: in double quotes, inner quotes doubled.
  public static func quoted(_ identifier: String) -> String {
    "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// `text` as a SQL string literal: in single quotes, inner quotes doubled
  /// (PostgreSQL's `standard_conforming_strings`, on by default, keeps
  /// backslashes as they are).
  public static func literal(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
  }
}
