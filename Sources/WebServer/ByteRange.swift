import Foundation

/// What a request's `Range` header asks of a file of a given length, read as
/// RFC 9110 (section 14) says a server may: one range of bytes is served as
/// `206 Partial Content`; a range starting past the end, or an empty suffix,
/// is unsatisfiable (`416`); several ranges, an unknown unit or a range that
/// does not parse (`bytes=9-3`) are ignored and the whole file is served.
public enum ByteRange: Equatable, Sendable {
  /// Serve the whole file (`200`).
  case whole
  /// Serve these bytes (`206`), both ends included.
  case partial(ClosedRange<Int>)
  /// Answer `416 Range Not Satisfiable`.
  case unsatisfiable

  /// Reads `header` (the `Range` field's value, `nil` when absent) for a file
  /// of `length` bytes.
  public init(header: String?, length: Int) {
    guard let header else {
      self = .whole
      return
    }
    let text = header.trimmingCharacters(in: .whitespaces)
    guard text.lowercased().hasPrefix("bytes="), !text.contains(",") else {
      self = .whole
      return
    }
    let spec = text.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
    guard let dash = spec.firstIndex(of: "-") else {
      self = .whole
      return
    }
    let first = spec[..<dash].trimmingCharacters(in: .whitespaces)
    let last = spec[spec.index(after: dash)...].trimmingCharacters(in: .whitespaces)
    switch (Self.number(first), Self.number(last)) {
    case (nil, let suffix?) where first.isEmpty:
      // The last `suffix` bytes.
      guard suffix > 0, length > 0 else {
        self = .unsatisfiable
        return
      }
      self = .partial(max(0, length - suffix)...(length - 1))
    case (let start?, nil) where last.isEmpty:
      self = start < length ? .partial(start...(length - 1)) : .unsatisfiable
    case (let start?, let end?):
      guard end >= start else {
        self = .whole
        return
      }
      self = start < length ? .partial(start...min(end, length - 1)) : .unsatisfiable
    default:
      self = .whole
    }
  }

  /// A run of ASCII digits as a number (`nil`: empty, not digits, or too large).
  private static func number(_ text: String) -> Int? {
    guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
    return Int(text)
  }
}
