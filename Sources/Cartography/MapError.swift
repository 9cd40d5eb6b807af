/// Why a map cannot be drawn as asked; each case says what to do.
public enum MapError: Error, Sendable, Equatable, CustomStringConvertible {
  /// No palette of that name.
  case unknownPalette(name: String, close: [String])
  /// More classes than the palette has colours.
  case tooManyClasses(palette: String, requested: Int, maximum: Int)
  /// The column does not exist.
  case columnNotFound(path: String, column: String, available: [String])
  /// The column holds text where numbers are needed.
  case notNumeric(path: String, column: String, type: String)
  /// The column has no value.
  case noValues(path: String, column: String)
  /// `--breaks` is not a list of numbers.
  case badBreaks(String)
  /// The page cannot be drawn or written.
  case cannotDraw(path: String, reason: String)

  /// One line naming the value and what to do.
  public var description: String {
    switch self {
    case .unknownPalette(let name, let close):
      return "no palette called '\(name)'; try \(close.prefix(8).joined(separator: ", "))"
    case .tooManyClasses(let palette, let requested, let maximum):
      return
        "\(palette) has at most \(maximum) classes, not \(requested); use --classes \(maximum) or fewer"
    case .columnNotFound(let path, let column, let available):
      return
        "\(path) has no column '\(column)'; its columns are: \(available.joined(separator: ", "))"
    case .notNumeric(let path, let column, let type):
      return "column '\(column)' of \(path) is \(type), not a number; this scheme needs numbers"
    case .noValues(let path, let column):
      return "column '\(column)' of \(path) has no value to map"
    case .badBreaks(let reason):
      return "--breaks: \(reason)"
    case .cannotDraw(let path, let reason):
      return "cannot draw \(path): \(reason)"
    }
  }
}
