import GeoCore

extension ScaleTable {
  /// The cells of a grid scale and their interpolated columns, gathered stripe
  /// by stripe (`StripedInterpolation`): the pieces and running sums of one
  /// stripe are held at a time, not those of every cell.
  ///
  /// Why: on Olinda with 5 m squares (1.7 million cells), interpolating the
  /// whole grid at once held about 340 MB of pieces and sums (heaptrack) beside
  /// the finished table, for each of the three shifted placements; that was
  /// `analyze`'s peak. The columns are bit for bit those of
  /// `interpolatedColumns` on `ArealInterpolation.interpolateInPlace`, in the
  /// same row-major order (`StripedInterpolation` says why).
  /// - Parameters:
  ///   - categories: whether the shares of categories are gathered (placements
  ///     whose statistics alone are kept do without).
  ///   - stripeCells: about how many cells a stripe holds.
  static func gridColumns(
    _ sources: [SourceUnit], onto grid: GridShape, extensive: [String], intensive: [String],
    categorical: [String], categories: Bool, stripeCells: Int, threads: Int
  ) throws -> (result: InterpolationResult, keys: [TargetKey], columns: [Column]) {
    var keys: [TargetKey] = []
    let categoryColumns = StripedInterpolation.categories(of: sources, count: categorical.count)
    var gathered = InterpolatedColumns(
      extensive: extensive.count, intensive: intensive.count,
      categories: categories ? categoryColumns.map(\.count) : [], coveredArea: true)
    let outcome = try StripedInterpolation.interpolate(
      sources, onto: grid, extensiveNames: extensive, intensiveNames: intensive,
      categoricalNames: categorical,
      rowsPerStripe: StripedInterpolation.defaultHeight(sources, grid, cells: stripeCells),
      threads: threads
    ) { batch in
      keys += batch.indices.lazy.map(batch.key)
      gathered.append(batch)
    }
    return (outcome.result, keys, gathered.columns)
  }
}
