import GeoCore

extension ScaleTable {
  /// One column of a scale's table, stored by the type of its values.
  ///
  /// A scale of a million cells held as rows (an array of `FieldValue`s per
  /// cell, about 320 bytes each) was most of `analyze`'s memory; by column, a
  /// number takes 8 bytes (16 when it may be missing) and the indicators'
  /// values are the same arrays as their columns, not copies.
  public enum Column: Sendable {
    /// Whole numbers, none missing (a grid's column and row).
    case integers([Int64])
    /// Numbers, none missing (covered areas, counts).
    case numbers([Double])
    /// Numbers, `nil` where a target has no value.
    case optionalNumbers([Double?])
    /// Values of any type (the fields of a layer's units).
    case values([FieldValue])

    /// The number of values.
    public var count: Int {
      switch self {
      case .integers(let values): values.count
      case .numbers(let values): values.count
      case .optionalNumbers(let values): values.count
      case .values(let values): values.count
      }
    }

    /// The value of row `row`.
    public subscript(row: Int) -> FieldValue {
      switch self {
      case .integers(let values): .integer(values[row])
      case .numbers(let values): .real(values[row])
      case .optionalNumbers(let values): values[row].map(FieldValue.real) ?? .null
      case .values(let values): values[row]
      }
    }

    /// The value of every row as a number (`nil`: missing, or not a number).
    public var doubleValues: [Double?] {
      switch self {
      case .integers(let values): values.map { Double($0) }
      case .numbers(let values): values.map { $0 }
      case .optionalNumbers(let values): values
      case .values(let values): values.map(\.doubleValue)
      }
    }
  }

  /// The table's rows, each put together from the columns when it is read, so
  /// that writing a scale never holds more than the row being written.
  public struct Rows: RandomAccessCollection, Sendable {
    /// The columns the rows are read from.
    let columns: [Column]
    /// The first row, 0.
    public let startIndex = 0
    /// The number of rows.
    public let endIndex: Int

    /// Row `position`: one value per column.
    public subscript(position: Int) -> [FieldValue] {
      precondition(position >= 0 && position < endIndex, "row \(position) of \(endIndex)")
      return columns.map { $0[position] }
    }
  }

  /// The columns of `rows` (rows of `width` values each), one `.values`
  /// column per field: for the small tables made row by row (catchments,
  /// footprint).
  static func columns(transposing rows: [[FieldValue]], width: Int) -> [Column] {
    (0..<width).map { field in .values(rows.map { $0[field] }) }
  }

  /// The columns of an interpolation's values, read in place from its sums
  /// (`cells`, of `result`'s variables), in the order and with the values of
  /// `ValueTable(result, coveredArea:)`: `covered_area` (when asked for), the
  /// extensive and intensive variables, then, when `categories`, one share per
  /// category (missing where the target has no area with a category of that
  /// variable).
  static func interpolatedColumns(
    _ cells: InterpolatedCells, of result: InterpolationResult, coveredArea: Bool,
    categories: Bool = true
  ) -> [Column] {
    var gathered = InterpolatedColumns(
      extensive: result.extensiveNames.count, intensive: result.intensiveNames.count,
      categories: categories ? result.categorical.map(\.categories.count) : [],
      coveredArea: coveredArea, capacity: cells.count)
    gathered.append(cells)
    return gathered.columns
  }

  /// The columns of `interpolatedColumns`, gathered from one batch of cells
  /// after another (a grid interpolated by stripes, `gridColumns`).
  struct InterpolatedColumns {
    private let coveredArea: Bool
    private var covered: [Double] = []
    private var counts: [[Double]]
    private var means: [[Double?]]
    /// Per categorical variable gathered, one column per category.
    private var shares: [[[Double?]]]

    /// Empty columns for `extensive` and `intensive` variables and, per
    /// categorical variable to gather, its number of categories.
    init(extensive: Int, intensive: Int, categories: [Int], coveredArea: Bool, capacity: Int = 0) {
      func column<Value>(_: Value.Type) -> [Value] {
        var column: [Value] = []
        column.reserveCapacity(capacity)
        return column
      }
      self.coveredArea = coveredArea
      if coveredArea { covered = column(Double.self) }
      counts = (0..<extensive).map { _ in column(Double.self) }
      means = (0..<intensive).map { _ in column(Double?.self) }
      shares = categories.map { count in (0..<count).map { _ in column(Double?.self) } }
    }

    /// Appends the values of every cell of `cells`, in their order.
    mutating func append(_ cells: InterpolatedCells) {
      for position in cells.indices {
        if coveredArea { covered.append(cells.coveredArea(at: position)) }
        for variable in counts.indices {
          counts[variable].append(cells.extensive(at: position, variable))
        }
        for variable in means.indices {
          means[variable].append(cells.intensive(at: position, variable))
        }
        for variable in shares.indices {
          let target = cells.shares(at: position, variable)
          for category in shares[variable].indices {
            shares[variable][category].append(target?[category])
          }
        }
      }
    }

    /// The columns gathered.
    var columns: [Column] {
      (coveredArea ? [.numbers(covered)] : []) + counts.map { .numbers($0) }
        + means.map { .optionalNumbers($0) } + shares.flatMap { $0.map { .optionalNumbers($0) } }
    }
  }
}
