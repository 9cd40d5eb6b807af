import GeoCore

/// The attribute values of a layer's features, stored by field.
///
/// An array of `FieldValue`s per feature took about 210 bytes for a grid cell's
/// eight fields, the largest single block while 105,000 cells were tiled (22 MB,
/// heaptrack). By field, a whole number or a real takes 8 bytes and one for
/// "missing"; other values stay `FieldValue`s. The table does not change once
/// built, and features and tile pieces read it through `TileAttributeRow`.
public final class TileAttributeTable: Sendable {
  /// One field's values.
  enum Column: Sendable {
    /// Whole numbers; `missing` marks the null ones.
    case integers([Int64], missing: [Bool])
    /// Reals; `missing` marks the null ones.
    case reals([Double], missing: [Bool])
    /// Values of any type.
    case values([FieldValue])

    /// Appends `value`; `false` when the column's type does not hold it. Each
    /// array is taken out of the column while it grows, so that it is not copied.
    mutating func append(_ value: FieldValue) -> Bool {
      switch self {
      case .integers(var values, var missing):
        guard let number = Column.integer(value) else { return false }
        self = .values([])
        values.append(number ?? 0)
        missing.append(number == nil)
        self = .integers(values, missing: missing)
      case .reals(var values, var missing):
        guard let number = Column.real(value) else { return false }
        self = .values([])
        values.append(number ?? 0)
        missing.append(number == nil)
        self = .reals(values, missing: missing)
      case .values(var values):
        self = .values([])
        values.append(value)
        self = .values(values)
      }
      return true
    }

    /// An integer or null value's number (`.some(nil)` for null); `nil` for others.
    private static func integer(_ value: FieldValue) -> Int64?? {
      switch value {
      case .integer(let v): .some(v)
      case .null: .some(nil)
      default: nil
      }
    }

    /// A real or null value's number (`.some(nil)` for null); `nil` for others.
    private static func real(_ value: FieldValue) -> Double?? {
      switch value {
      case .real(let v): .some(v)
      case .null: .some(nil)
      default: nil
      }
    }
  }

  let columns: [Column]
  /// The number of rows.
  public let count: Int

  init(columns: [Column], count: Int) {
    self.columns = columns
    self.count = count
  }

  /// The value of field `field` in row `row`.
  public subscript(row: Int, field: Int) -> FieldValue {
    switch columns[field] {
    case .integers(let values, let missing): missing[row] ? .null : .integer(values[row])
    case .reals(let values, let missing): missing[row] ? .null : .real(values[row])
    case .values(let values): values[row]
    }
  }

  /// Builds a table row by row.
  struct Builder {
    private var columns: [Column]
    private var count = 0

    /// A builder for `fields`: whole-number and real fields by type, others as values.
    init(fields: [Field]) {
      columns = fields.map { field in
        switch field.type {
        case .integer, .integer64: .integers([], missing: [])
        case .real: .reals([], missing: [])
        default: .values([])
        }
      }
    }

    /// Appends a row: one value per field. A value of another type than its
    /// field's turns that column into plain values.
    mutating func append(_ row: some Collection<FieldValue>) {
      precondition(
        row.count == columns.count, "a row of \(row.count) values for \(columns.count) fields")
      for (field, value) in row.enumerated() { append(value, to: field) }
      count += 1
    }

    private mutating func append(_ value: FieldValue, to field: Int) {
      if columns[field].append(value) { return }
      // A value the field's type does not hold: the column keeps every value as it is.
      let table = TileAttributeTable(columns: [columns[field]], count: count)
      var values = (0..<count).map { table[$0, 0] }
      values.append(value)
      columns[field] = .values(values)
    }

    /// The table, its arrays no larger than their values need.
    func finish() -> TileAttributeTable {
      let exact = columns.map { column -> Column in
        switch column {
        case .integers(let values, let missing):
          .integers(values.exactCopy(), missing: missing.exactCopy())
        case .reals(let values, let missing):
          .reals(values.exactCopy(), missing: missing.exactCopy())
        case .values(let values): .values(values.exactCopy())
        }
      }
      return TileAttributeTable(columns: exact, count: count)
    }
  }
}

/// One feature's attribute values: a row of its layer's `TileAttributeTable`, or
/// values of its own (a feature made by hand, or one whose summed fields were
/// changed, such as a dust square or a piece that took a dropped one's values).
public struct TileAttributeRow: Sendable, RandomAccessCollection, Equatable {
  private enum Storage: Sendable {
    case table(TileAttributeTable, Int)
    case own([FieldValue])
  }

  private var storage: Storage

  /// A row of the values `values`.
  public init(_ values: [FieldValue]) { storage = .own(values) }

  /// Row `row` of `table`.
  init(table: TileAttributeTable, row: Int) { storage = .table(table, row) }

  /// The first field, 0.
  public var startIndex: Int { 0 }

  /// The number of fields.
  public var endIndex: Int {
    switch storage {
    case .table(let table, _): table.columns.count
    case .own(let values): values.count
    }
  }

  /// The value of field `field`; setting it gives the row values of its own.
  public subscript(field: Int) -> FieldValue {
    get {
      switch storage {
      case .table(let table, let row): table[row, field]
      case .own(let values): values[field]
      }
    }
    set {
      var values: [FieldValue]
      switch storage {
      case .table: values = Array(self)
      case .own(let own): values = own
      }
      storage = .own([])
      values[field] = newValue
      storage = .own(values)
    }
  }

  /// Calls `body` with each field's index and value, in order; the table is
  /// looked up once for the row, not once per field (encoding a full tile reads
  /// every value of 100,000 rows).
  func forEachValue(_ body: (Int, FieldValue) -> Void) {
    switch storage {
    case .table(let table, let row):
      for (field, column) in table.columns.enumerated() {
        switch column {
        case .integers(let values, let missing):
          body(field, missing[row] ? .null : .integer(values[row]))
        case .reals(let values, let missing): body(field, missing[row] ? .null : .real(values[row]))
        case .values(let values): body(field, values[row])
        }
      }
    case .own(let values):
      for (field, value) in values.enumerated() { body(field, value) }
    }
  }

  /// Whether both rows hold the same values.
  public static func == (a: TileAttributeRow, b: TileAttributeRow) -> Bool {
    a.elementsEqual(b)
  }
}
