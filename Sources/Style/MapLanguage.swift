/// The language of a map's fixed words (legend headings, units) and numbers.
public enum MapLanguage: String, Sendable, CaseIterable {
  /// French.
  case fr
  /// English.
  case en
  /// Arabic, written right to left.
  case ar

  /// How numbers are written in this language.
  public var numbers: NumberStyle { NumberStyle(rawValue: rawValue)! }
  /// The legend entry of features without a value.
  public var noData: String {
    ["fr": "Pas de données", "en": "No data", "ar": "لا توجد بيانات"][rawValue]!
  }
  /// The abbreviation of metres.
  public var metres: String { ["fr": "m", "en": "m", "ar": "م"][rawValue]! }
  /// The abbreviation of kilometres.
  public var kilometres: String { ["fr": "km", "en": "km", "ar": "كم"][rawValue]! }
  /// The letter of the north arrow.
  public var north: String { ["fr": "N", "en": "N", "ar": "ش"][rawValue]! }
  /// The heading of the credits line.
  public var sourceHeading: String {
    ["fr": "Sources", "en": "Sources", "ar": "المصادر"][rawValue]!
  }
  /// Whether the language is written right to left.
  public var rightToLeft: Bool { self == .ar }
}
