/// One attribute value of a feature, typed as its field declares it.
///
/// Dates and times are kept as ISO 8601 text (`2010-08-01`, `12:30:00`,
/// `2010-08-01T12:30:00Z`), which every output format reads back to the same value.
public enum FieldValue: Sendable, Hashable, CustomStringConvertible {
  /// No value.
  case null
  /// An integer (32 or 64 bits).
  case integer(Int64)
  /// A floating-point number.
  case real(Double)
  /// A text.
  case string(String)
  /// A boolean.
  case boolean(Bool)
  /// A date, `YYYY-MM-DD`.
  case date(String)
  /// A time of day, `HH:MM:SS`.
  case time(String)
  /// A date and time, ISO 8601.
  case dateTime(String)
  /// Raw bytes.
  case binary([UInt8])
  /// A list of integers.
  case integerList([Int64])
  /// A list of numbers.
  case realList([Double])
  /// A list of texts.
  case stringList([String])

  /// The value as a number when it is an integer, real or boolean; `nil` otherwise.
  public var doubleValue: Double? {
    switch self {
    case .integer(let v): return Double(v)
    case .real(let v): return v
    case .boolean(let v): return v ? 1 : 0
    default: return nil
    }
  }

  /// Whether the value is `.null`.
  public var isNull: Bool { self == .null }

  /// The value as plain text, as a table or a CSV cell shows it (`null` is empty).
  public var description: String {
    switch self {
    case .null: return ""
    case .integer(let v): return String(v)
    case .real(let v): return String(v)
    case .string(let v), .date(let v), .time(let v), .dateTime(let v): return v
    case .boolean(let v): return v ? "true" : "false"
    case .binary(let v): return v.map { String(format2Hex: $0) }.joined()
    case .integerList(let v): return "[" + v.map(String.init).joined(separator: ",") + "]"
    case .realList(let v): return "[" + v.map { String($0) }.joined(separator: ",") + "]"
    case .stringList(let v): return "[" + v.joined(separator: ",") + "]"
    }
  }
}

extension String {
  fileprivate init(format2Hex byte: UInt8) {
    let digits = Array("0123456789ABCDEF")
    self = String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
  }
}
