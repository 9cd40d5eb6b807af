/// A failure reported by GEOS, with GEOS's own message.
public struct GEOSError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What TerritoryKit asked GEOS to do (`"read WKT"`, `"intersection"`, ...).
  public let operation: String
  /// GEOS's message, e.g. `"ParseException: Expected word but encountered end of stream"`.
  public let message: String

  /// Creates an error for `operation` with GEOS's `message`.
  public init(operation: String, message: String) {
    self.operation = operation
    self.message = message
  }

  /// One line: the operation and GEOS's message.
  public var description: String { "GEOS could not \(operation): \(message)" }
}
