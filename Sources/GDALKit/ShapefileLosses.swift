import GeoCore

/// What writing a layer to a Shapefile cannot keep, counted per field: GDAL
/// cuts and changes values there and says so only in warnings that a converter
/// would swallow. The limits of dBase files: field names of 10 characters,
/// texts of 254 bytes padded with spaces (so leading and trailing spaces, and
/// the difference between an empty text and none, are lost), no time of day in
/// dates.
struct ShapefileLosses {
  private let fields: [Field]
  private var longTexts: [Int]
  private var spaces: [Int]
  private var emptyTexts: [Int]
  private var times: [Int]

  /// Losses for a layer with `fields`.
  init(fields: [Field]) {
    self.fields = fields
    longTexts = Array(repeating: 0, count: fields.count)
    spaces = longTexts
    emptyTexts = longTexts
    times = longTexts
  }

  /// Counts what the Shapefile will lose of one feature's values.
  mutating func record(_ values: [FieldValue]) {
    for (index, value) in values.enumerated() where index < fields.count {
      switch value {
      case .string(let text):
        if text.utf8.count > 254 { longTexts[index] += 1 }
        if text.isEmpty {
          emptyTexts[index] += 1
        } else if text.first == " " || text.last == " " {
          spaces[index] += 1
        }
      case .dateTime: times[index] += 1
      default: break
      }
    }
  }

  /// One line per field and kind of loss, for the conversion report.
  var warnings: [String] {
    var out: [String] = []
    for (index, field) in fields.enumerated() {
      let name = "field '\(field.name)'"
      if field.name.count > 10 {
        out.append(
          "\(name): the name is longer than the 10 characters a Shapefile keeps; it is shortened")
      }
      if longTexts[index] > 0 {
        out.append("\(name): \(longTexts[index]) texts longer than 254 bytes are cut to 254")
      }
      if spaces[index] > 0 {
        out.append("\(name): \(spaces[index]) texts lose their leading or trailing spaces")
      }
      if emptyTexts[index] > 0 {
        out.append("\(name): \(emptyTexts[index]) empty texts are read back as null")
      }
      if times[index] > 0 {
        out.append("\(name): \(times[index]) date-times lose their time of day (dates only)")
      }
    }
    return out
  }
}
