import GeoCore

/// Rows of values to write beside grid cells or target polygons: the columns, and
/// for each target its key and one value per column.
public struct ValueTable: Sendable {
  /// The value columns.
  public var fields: [Field]
  /// One row per target, in output order.
  public var rows: [(key: TargetKey, values: [FieldValue])]

  /// Creates a table.
  public init(fields: [Field], rows: [(key: TargetKey, values: [FieldValue])]) {
    self.fields = fields
    self.rows = rows
  }

  /// The columns of an interpolation: `covered_area` (for grids), the extensive
  /// and intensive variables, then one share per category, `<variable>_<category>`.
  public init(_ result: InterpolationResult, coveredArea: Bool) {
    self.init(
      fields: Self.fields(of: result, coveredArea: coveredArea),
      rows: Self.rows(result.targets, of: result, coveredArea: coveredArea))
  }

  /// The columns of `result`'s variables (its targets are not read).
  static func fields(of result: InterpolationResult, coveredArea: Bool) -> [Field] {
    var fields = coveredArea ? [Field(name: "covered_area", type: .real)] : []
    fields += (result.extensiveNames + result.intensiveNames).map { Field(name: $0, type: .real) }
    for (name, categories) in result.categorical {
      fields += categories.map { Field(name: name + "_" + TableWriter.columnSafe($0), type: .real) }
    }
    return fields
  }

  /// The rows of `targets`, in the columns of `fields(of: result, ...)`.
  static func rows(
    _ targets: some Collection<TargetValues>, of result: InterpolationResult, coveredArea: Bool
  ) -> [(key: TargetKey, values: [FieldValue])] {
    let categories = result.categorical.map(\.categories)
    return targets.map {
      ($0.key, values(of: $0, categories: categories, coveredArea: coveredArea))
    }
  }

  /// The values of `target` in the columns of `fields(of:coveredArea:)`, where
  /// `categories` are the result's categories of each categorical variable.
  static func values(
    of target: TargetValues, categories: [[String]], coveredArea: Bool
  ) -> [FieldValue] {
    var values: [FieldValue] = []
    values.reserveCapacity(
      1 + target.extensive.count + target.intensive.count
        + categories.reduce(0) { $0 + $1.count })
    if coveredArea { values.append(.real(target.coveredArea)) }
    for value in target.extensive { values.append(.real(value)) }
    for value in target.intensive { values.append(value.map(FieldValue.real) ?? .null) }
    for (variable, names) in categories.enumerated() {
      let shares = target.categoryShares[variable]
      for name in names { values.append(shares.isEmpty ? .null : .real(shares[name] ?? 0)) }
    }
    return values
  }
}
