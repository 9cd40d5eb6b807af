/// Why a palette, a ramp or a classification cannot be made as asked; each case
/// names the value and says what to do.
public enum StyleError: Error, Sendable, Equatable, CustomStringConvertible {
  /// No palette of that name.
  case unknownPalette(name: String, close: [String])
  /// More classes than the palette has colours.
  case tooManyClasses(palette: String, requested: Int, maximum: Int)
  /// No continuous ramp of that name.
  case unknownRamp(name: String, known: [String])
  /// Manual class breaks that are not numbers.
  case badBreaks(String)

  /// One line naming the value and what to do.
  public var description: String {
    switch self {
    case .unknownPalette(let name, let close):
      return "no palette called '\(name)'; try \(close.prefix(8).joined(separator: ", "))"
    case .tooManyClasses(let palette, let requested, let maximum):
      return
        "\(palette) has at most \(maximum) classes, not \(requested); ask for \(maximum) or fewer"
    case .unknownRamp(let name, let known):
      return "no colour ramp called '\(name)'; the ramps are: \(known.joined(separator: ", "))"
    case .badBreaks(let text):
      return "class breaks '\(text)' are not numbers; give upper bounds like 10,50,100"
    }
  }
}
