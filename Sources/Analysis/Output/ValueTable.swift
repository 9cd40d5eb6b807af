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
    _ targets: [TargetValues], of result: InterpolationResult, coveredArea: Bool
  ) -> [(key: TargetKey, values: [FieldValue])] {
    targets.map { target in
      var values: [FieldValue] = coveredArea ? [.real(target.coveredArea)] : []
      values += target.extensive.map(FieldValue.real)
      values += target.intensive.map { $0.map(FieldValue.real) ?? .null }
      for (variable, (_, categories)) in result.categorical.enumerated() {
        let shares = target.categoryShares[variable]
        values += categories.map { shares.isEmpty ? .null : .real(shares[$0] ?? 0) }
      }
      return (target.key, values)
    }
  }
}
