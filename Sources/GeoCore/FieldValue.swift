/// One attribute value of a feature, typed as its field declares it.
///
/// Dates and times are kept as ISO 8601 text (`2010-08-01`, `12:30:00`,
/// `2010-08-01T12:30:00Z`), which every output format reads back to the same value.
public enum FieldValue: Sendable, Hashable, CustomStringConvertible {
  case null
  case integer(Int64)
  case real(Double)
  case string(String)
  case boolean(Bool)
  case date(String)
  case time(String)
  case dateTime(String)
  case binary([UInt8])
  case integerList([Int64])
  case realList([Double])
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
