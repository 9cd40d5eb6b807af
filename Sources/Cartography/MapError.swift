/// Why a map cannot be drawn as asked; each case says what to do.
public enum MapError: Error, Sendable, Equatable, CustomStringConvertible {
  case unknownPalette(name: String, close: [String])
  case tooManyClasses(palette: String, requested: Int, maximum: Int)
  case columnNotFound(path: String, column: String, available: [String])
  case notNumeric(path: String, column: String, type: String)
  case noValues(path: String, column: String)
  case badBreaks(String)
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
