import GeoCore

/// What values are interpolated onto.
public enum InterpolationTargets: Sendable {
  /// Square cells aligned on multiples of the cell size; only touched cells are produced.
  case squareGrid(SquareGrid)
  /// Pointy-top hexagons; only touched cells are produced.
  case hexGrid(HexGrid)
  /// Any polygons (zones drawn by the team, catchments, another administrative
  /// level) in the working CRS, `nil` for a target without geometry (it covers
  /// nothing); every target is produced, touched or not.
  case polygons([PolygonalShape?])
}

/// How extensive values (counts) were split between targets.
public enum ExtensiveRule: String, Sendable, Codable {
  /// t_j = Σ_i v_i · a_ij / Σ_k a_ik: each source's whole value goes to the targets
  /// that cover it, in proportion to the area they cover (targets that do not overlap).
  case coveredAreaShare = "covered-area share"
  /// t_j = Σ_i v_i · a_ij / area(source i): used when targets overlap (catchments),
  /// so that a source counted in two targets is not counted twice over its area.
  case sourceAreaShare = "source-area share"
}

/// The identity of one target: a grid cell, or the index of a target polygon.
public struct TargetKey: Sendable, Hashable, Comparable {
  /// The cell column (0 for polygon targets).
  public var column: Int
  /// The cell row, or the index of a polygon target.
  public var row: Int

  /// Creates a key.
  public init(column: Int, row: Int) {
    self.column = column
    self.row = row
  }

  /// Row-major order: south to north, then west to east.
  public static func < (lhs: TargetKey, rhs: TargetKey) -> Bool {
    lhs.row != rhs.row ? lhs.row < rhs.row : lhs.column < rhs.column
  }
}
