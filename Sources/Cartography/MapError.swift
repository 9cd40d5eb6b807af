/// Why a map cannot be drawn as asked; each case says what to do.
public enum MapError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The column does not exist.
  case columnNotFound(path: String, column: String, available: [String])
  /// The column holds text where numbers are needed.
  case notNumeric(path: String, column: String, type: String)
  /// The column has no value.
  case noValues(path: String, column: String)
  /// The shaded background declares no CRS and none was given.
  case backgroundWithoutCRS(path: String)
  /// The page cannot be drawn or written.
  case cannotDraw(path: String, reason: String)
  /// The map's CRS cannot show the data.
  case unsuitableCRS(crs: String, reason: String, suggestion: String)
  /// Proportional symbols need sizes of zero or more.
  case negativeSizes(path: String, field: String, count: Int)

  /// One line naming the value and what to do.
  public var description: String {
    switch self {
    case .columnNotFound(let path, let column, let available):
      return
        "\(path) has no column '\(column)'; its columns are: \(available.joined(separator: ", "))"
    case .notNumeric(let path, let column, let type):
      return "column '\(column)' of \(path) is \(type), not a number; this scheme needs numbers"
    case .noValues(let path, let column):
      return "column '\(column)' of \(path) has no value to map"
    case .backgroundWithoutCRS(let path):
      return "the background \(path) declares no CRS; say which CRS its coordinates are in"
    case .cannotDraw(let path, let reason):
      return "cannot draw \(path): \(reason)"
    case .unsuitableCRS(let crs, let reason, let suggestion):
      return
        "the map cannot be drawn in \(crs): \(reason)\(suggestion.isEmpty ? "" : "; try \(suggestion)")"
    case .negativeSizes(let path, let field, let count):
      return
        "\(count) feature\(count == 1 ? " has" : "s have") a negative '\(field)' in \(path); proportional circles need sizes of zero or more (map the field's absolute value, or choose another field)"
    }
  }
}
