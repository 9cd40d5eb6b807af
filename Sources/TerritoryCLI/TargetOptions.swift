import ArgumentParser
import TerritoryKit

/// The flags that name targets: a grid, or the polygons of a file.
struct TargetFlags: ParsableArguments {
  @Option(help: "Use a grid of this cell size in metres.")
  var grid: Double?

  @Option(help: "square or hex (with --grid).")
  var shape: ShapeOption = .square

  @Option(help: "Use the polygons of this file instead of a grid.")
  var target: String?

  @Option(
    name: .customLong("target-layer"), help: "The layer of --target (first layer by default).")
  var targetLayer: String?

  /// The targets in the working CRS `crs`, if a grid or a file is named.
  func resolve(crs: CRS) throws -> InterpolationJob.Target? {
    if let grid { return .grid(try shape.make(cell: grid, crs: crs)) }
    return target.map { .layer(path: $0, layer: targetLayer) }
  }
}

/// Where `interpolate` and `points` put their results: a grid, or the polygons of a file.
struct TargetOptions: ParsableArguments {
  @OptionGroup var flags: TargetFlags

  func validate() throws {
    if (flags.grid == nil) == (flags.target == nil) {
      throw ValidationError("give exactly one of --grid or --target")
    }
  }

  /// Whether the targets are grid cells.
  var isGrid: Bool { flags.grid != nil }

  /// The targets in the working CRS `crs`.
  func resolve(crs: CRS) throws -> InterpolationJob.Target { try flags.resolve(crs: crs)! }
}
