/// A problem with a site's manifest; each message names the file, the place in it
/// (line and column) and what to write instead.
public struct SiteError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The manifest path.
  public var path: String
  /// Line and column (1-based) when known.
  public var line: Int?
  /// The column (1-based) when known.
  public var column: Int?
  /// What is wrong and what to do.
  public var message: String

  /// Creates an error.
  public init(path: String, line: Int? = nil, column: Int? = nil, message: String) {
    self.path = path
    self.line = line
    self.column = column
    self.message = message
  }

  /// `site.yaml line 4, column 3: ...`.
  public var description: String {
    guard let line else { return "\(path): \(message)" }
    return "\(path) line \(line)\(column.map { ", column \($0)" } ?? ""): \(message)"
  }
}
