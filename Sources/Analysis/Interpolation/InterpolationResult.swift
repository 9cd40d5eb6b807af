/// The values of one target after interpolation.
public struct TargetValues: Sendable {
  /// The cell or polygon.
  public var key: TargetKey
  /// Σ_i a_ij: the area of the target covered by sources (after masking).
  public var coveredArea: Double
  /// One value per extensive variable (0 when nothing reached the target).
  public var extensive: [Double]
  /// One area-weighted mean per intensive variable, `nil` when no source with a
  /// value covers the target.
  public var intensive: [Double?]
  /// Per categorical variable, the share of the covered area in each category.
  public var categoryShares: [[String: Double]]
}

/// The totals of one extensive variable before and after interpolation.
public struct MassBalance: Sendable, Codable, Hashable {
  /// The variable's name.
  public var variable: String
  /// Σ of the sources' values.
  public var totalIn: Double
  /// Σ of the targets' values.
  public var totalOut: Double
  /// What fell outside every target (sources no target covers, or the uncovered
  /// part of sources when targets overlap).
  public var outside: Double

  /// Whether in = out + outside to a relative 1e-9.
  public var isBalanced: Bool {
    abs(totalIn - totalOut - outside) <= 1e-9 * max(1, abs(totalIn))
  }
}

/// Everything an interpolation produced.
public struct InterpolationResult: Sendable {
  /// The targets, in row-major order for grids and in input order for polygons.
  public var targets: [TargetValues]
  /// The extensive variables' names.
  public var extensiveNames: [String]
  /// The intensive variables' names.
  public var intensiveNames: [String]
  /// The categorical variables' names and, for each, its categories in sorted order.
  public var categorical: [(name: String, categories: [String])]
  /// One balance per extensive variable.
  public var balances: [MassBalance]
  /// How extensive values were split.
  public var rule: ExtensiveRule
  /// The number of sources read.
  public var sourceCount: Int
}
