import GEOSKit
import GeoCore

/// The geometries of a scale's rows, in the working CRS.
public enum ScaleGeometries: Sendable {
  /// Grid cells, one per key, built from the grid when asked for: a scale of a
  /// million cells keeps no polygons in memory.
  case cells(GridShape, [TargetKey])
  /// Polygons, one per row (`nil`: the row has no geometry).
  case polygons([PolygonalShape?])

  /// The number of rows.
  public var count: Int {
    switch self {
    case .cells(_, let keys): return keys.count
    case .polygons(let shapes): return shapes.count
    }
  }

  /// Row `index`'s geometry (`nil`: none).
  /// - Throws: `GEOSError` when a stored ring has fewer than 3 points.
  public func geometry(at index: Int) throws(GEOSError) -> Geometry? {
    switch self {
    case .cells(let grid, let keys): return try grid.polygon(keys[index])
    case .polygons(let shapes): return try shapes[index].map(Geometry.polygonal)
    }
  }

  /// Every row's polygons as shapes, for code that needs them all at once (the
  /// maps); grid cells are built here.
  /// - Throws: `GEOSError` when a hexagon cannot be built.
  public func shapes() throws(GEOSError) -> [PolygonalShape?] {
    switch self {
    case .cells(let grid, let keys):
      var shapes: [PolygonalShape?] = []
      shapes.reserveCapacity(keys.count)
      for key in keys { shapes.append(try grid.polygon(key).polygonalShape) }
      return shapes
    case .polygons(let shapes): return shapes
    }
  }
}
