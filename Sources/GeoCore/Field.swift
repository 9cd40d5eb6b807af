/// The type of an attribute field, as GDAL's vector model knows it.
public enum FieldType: String, Sendable, Hashable, Codable, CaseIterable {
  case integer = "Integer"
  case integer64 = "Integer64"
  case real = "Real"
  case string = "String"
  case boolean = "Boolean"
  case date = "Date"
  case time = "Time"
  case dateTime = "DateTime"
  case binary = "Binary"
  case integerList = "IntegerList"
  case integer64List = "Integer64List"
  case realList = "RealList"
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
