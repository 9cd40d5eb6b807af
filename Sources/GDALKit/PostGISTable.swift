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
    for part in [schema, name].compactMap({ $0 }) { try Self.check(part, of: text) }
    self.schema = schema
    self.name = name
  }

  /// A table whose names were checked already (a parsed table, its schema resolved).
  init(schema: String?, name: String) {
    self.schema = schema
    self.name = name
  }

  /// Refuses `identifier` (a part of `text`, for the message) when PostgreSQL
  /// cannot hold it as given.
  /// - Throws: `GDALError.invalidTableName` for an empty identifier, a NUL
  ///   character or more than 63 bytes.
  public static func check(_ identifier: String, of text: String) throws(GDALError) {
    if identifier.isEmpty {
      throw .invalidTableName(name: text, reason: "a schema or table name is empty")
    }
    if identifier.contains("\0") {
      throw .invalidTableName(name: text, reason: "it contains a NUL character")
    }
    if identifier.utf8.count > longestName {
      throw .invalidTableName(
        name: text, reason: "'\(identifier)' is longer than PostgreSQL's \(longestName) bytes")
    }
  }

  /// `schema.table` as given.
  public var description: String { schema.map { "\($0).\(name)" } ?? name }

  /// The table's name for SQL: quoted, with its quoted schema when it has one.
  public var qualified: String {
    (schema.map { Self.quoted($0) + "." } ?? "") + Self.quoted(name)
  }

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
