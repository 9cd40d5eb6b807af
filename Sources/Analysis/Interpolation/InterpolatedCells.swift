import GeoCore

/// Interpolated targets read in place from the accumulator's flat sums: a
/// collection of `TargetValues` made on access, and a batch of grid rows that
/// formats its CSV text straight from the sums.
///
/// Why not an array of `TargetValues`: one per cell (with its array of counts)
/// took about a quarter of `territory interpolate` onto 154,000 cells of 1 km,
/// between the allocations and the first touch of their pages (perf).
public struct InterpolatedCells: RandomAccessCollection, GridRowBatch {
  /// The flat sums, one slot per target.
  struct Sums: Sendable {
    let keys: [TargetKey]
    let covered: [Double]
    let extensive: [Double]
    let intensiveSum: [Double]
    let intensiveArea: [Double]
    let categoryAreas: CategoryAreas.Reading
    let extensiveCount: Int
    let intensiveCount: Int
    let categoricalCount: Int
    /// The categories written as columns, per categorical variable.
    let categoryColumns: [[String]]
  }

  /// The slots in output order.
  let order: [Int32]
  /// The part of `order` this batch holds.
  let positions: Range<Int>
  let sums: Sums

  /// The first position.
  public var startIndex: Int { 0 }
  /// One past the last position.
  public var endIndex: Int { positions.count }

  /// The values of the target at `position`.
  public subscript(position: Int) -> TargetValues {
    let slot = self.slot(position)
    return TargetValues(
      key: sums.keys[slot], coveredArea: sums.covered[slot],
      extensive: (0..<sums.extensiveCount).map { extensive(slot, $0) },
      intensive: (0..<sums.intensiveCount).map { intensive(slot, $0) },
      categoryShares: (0..<sums.categoricalCount).map { variable in
        let total = sums.categoryAreas.total(slot, variable)
        return total > 0 ? sums.categoryAreas.areas(slot, variable).mapValues { $0 / total } : [:]
      })
  }

  /// The targets at `range` of positions, as a batch of their own (its
  /// positions start at 0).
  public func batch(_ range: Range<Int>) -> InterpolatedCells {
    let first = positions.lowerBound + range.lowerBound
    return InterpolatedCells(
      order: order, positions: first..<(first + range.count), sums: sums)
  }

  /// The key of the target at `position`.
  public func key(_ position: Int) -> TargetKey { sums.keys[slot(position)] }

  /// Value `variable` of the extensive variables at `position`.
  public func extensive(at position: Int, _ variable: Int) -> Double {
    extensive(slot(position), variable)
  }

  /// The covered area of the target at `position`.
  public func coveredArea(at position: Int) -> Double { sums.covered[slot(position)] }

  /// Value `variable` of the intensive variables at `position` (`nil` where no
  /// source with a value covers the target).
  public func intensive(at position: Int, _ variable: Int) -> Double? {
    intensive(slot(position), variable)
  }

  /// The share of the target's covered area in each category written as a
  /// column of categorical variable `variable` (`Sums.categoryColumns`), at
  /// `position`: as `self[position]` holds them (0 for a category absent from
  /// the target), or `nil` when the target has no area with a category.
  func shares(at position: Int, _ variable: Int) -> [Double]? {
    sums.categoryAreas.shares(
      slot(position), variable, columns: sums.categoryColumns[variable].count)
  }

  /// The values at `position` in the columns of `ValueTable.fields(of:coveredArea: true)`.
  public func values(_ position: Int) -> [FieldValue] {
    ValueTable.values(of: self[position], categories: sums.categoryColumns, coveredArea: true)
  }

  /// Appends the CSV text of `values(position)`, each value preceded by a comma,
  /// from the sums, without making the values.
  public func appendCSVValues(_ position: Int, to bytes: inout [UInt8]) {
    let slot = self.slot(position)
    bytes.append(UInt8(ascii: ","))
    CSVTableFile.appendField(.real(sums.covered[slot]), to: &bytes)
    for variable in 0..<sums.extensiveCount {
      bytes.append(UInt8(ascii: ","))
      CSVTableFile.appendField(.real(extensive(slot, variable)), to: &bytes)
    }
    for variable in 0..<sums.intensiveCount {
      bytes.append(UInt8(ascii: ","))
      if let value = intensive(slot, variable) {
        CSVTableFile.appendField(.real(value), to: &bytes)
      }
    }
    for (variable, names) in sums.categoryColumns.enumerated() {
      // As `ValueTable.values` writes the shares `self[position]` holds.
      let shares = sums.categoryAreas.shares(slot, variable, columns: names.count)
      for column in names.indices {
        bytes.append(UInt8(ascii: ","))
        if let shares { CSVTableFile.appendField(.real(shares[column]), to: &bytes) }
      }
    }
  }

  private func slot(_ position: Int) -> Int { Int(order[positions.lowerBound + position]) }

  private func extensive(_ slot: Int, _ variable: Int) -> Double {
    sums.extensive[slot * sums.extensiveCount + variable]
  }

  /// The area-weighted mean, `nil` where no source with a value covers the target.
  private func intensive(_ slot: Int, _ variable: Int) -> Double? {
    let area = sums.intensiveArea[slot * sums.intensiveCount + variable]
    return area > 0 ? sums.intensiveSum[slot * sums.intensiveCount + variable] / area : nil
  }
}
