/// The type of an attribute field, as GDAL's vector model knows it.
public enum FieldType: String, Sendable, Hashable, Codable, CaseIterable {
  /// 32-bit integers.
  case integer = "Integer"
  /// 64-bit integers.
  case integer64 = "Integer64"
  /// Floating-point numbers.
  case real = "Real"
  /// Text.
  case string = "String"
  /// Booleans (stored by most formats as integers 0 and 1).
  case boolean = "Boolean"
  /// Dates.
  case date = "Date"
  /// Times of day.
  case time = "Time"
  /// Dates with a time of day.
  case dateTime = "DateTime"
  /// Raw bytes.
  case binary = "Binary"
  /// Lists of 32-bit integers.
  case integerList = "IntegerList"
  /// Lists of 64-bit integers.
  case integer64List = "Integer64List"
  /// Lists of floating-point numbers.
  case realList = "RealList"
  /// Lists of texts.
  case stringList = "StringList"

  /// Whether values of this type are numbers (integers or reals).
  public var isNumeric: Bool { self == .integer || self == .integer64 || self == .real }
}

/// The declaration of one attribute field of a layer.
public struct Field: Sendable, Hashable, Codable {
  /// The field's name as stored in the dataset.
  public var name: String
  /// The field's type.
  public var type: FieldType
  /// The declared width (0 when not set).
  public var width: Int
  /// The declared number of decimals for reals (0 when not set).
  public var precision: Int

  /// Creates a field declaration.
  public init(name: String, type: FieldType, width: Int = 0, precision: Int = 0) {
    self.name = name
    self.type = type
    self.width = width
    self.precision = precision
  }
}
