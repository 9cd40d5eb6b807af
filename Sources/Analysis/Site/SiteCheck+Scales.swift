import Foundation
import GeoCore

/// What `site check` says about each grid scale before `analyze` builds it: the
/// cells it will have and the memory they need, so that a ladder that cannot run
/// is refused in a second, not after a minute and gigabytes.
public struct ScaleEstimate: Sendable, Codable, Equatable {
  /// The scale's name.
  public var name: String
  /// The cell size in metres.
  public var cell: Double
  /// About how many cells cover the units (their area over a cell's).
  public var cells: Double
  /// About how many bytes `analyze` holds for the scale's cells.
  public var bytes: Double
}

extension SiteCheck {
  /// The most cells one grid scale may have: the default of `interpolate --max-cells`.
  public static let maximumCells = InterpolationJob.defaultMaximumCells

  /// Bytes `analyze` holds per cell of the grid scale it is making (its table
  /// by column, its neighbours, a shifted placement of the zoning report being
  /// built stripe by stripe, the GeoPackage and GeoJSON being written), and for
  /// the rest of the run. Measured on the bundled site (135 MB at peak as
  /// shipped) with squares of 20 m, of 10 m, and of 5 m and 10 m added
  /// (105,417, 419,262 and 2,091,650 cells): 168, 225 and 543 MB at peak, 305,
  /// 214 and 195 bytes a cell over the site alone (2026-12-07; 474-550 bytes
  /// on 2026-12-06, before categories were held flat and grid scales
  /// interpolated by stripes; 3.3 KB a cell before the tables were held by
  /// column). Since each scale is written as it is made (2026-12-08), 10 m
  /// squares alone take 145 bytes a cell and 5 m squares alone 151; the figure
  /// stays above every measurement, the smallest grid's included.
  static let bytesPerCell = 320.0
  /// Bytes `analyze` keeps per cell of a grid scale once it is written (its
  /// indicators and cell keys, for the maps): 5 m and 10 m squares together
  /// peak 6-22 MB above the 5 m squares alone, 14-52 bytes for each 10 m cell
  /// (2026-12-08).
  static let keptBytesPerCell = 64.0
  static let baseBytes = 150e6

  /// The estimates of the grid scales, given the units' area in the working CRS
  /// (m²), with an error for a scale over `maximumCells` and a warning when the
  /// run needs more than 80% of `memory` (bytes; the machine's by default).
  static func estimates(
    _ manifest: SiteManifest, unitsArea: Double,
    memory: Double = Double(ProcessInfo.processInfo.physicalMemory),
    problem: (String, String, String) -> Void
  ) -> [ScaleEstimate] {
    var out: [ScaleEstimate] = []
    for scale in manifest.scales {
      guard case .grid(let hexagonal, let cell) = scale.kind else { continue }
      let cellArea = hexagonal ? 3.0.squareRoot() / 2 * cell * cell : cell * cell
      let cells = (unitsArea / cellArea).rounded(.up)
      out.append(
        ScaleEstimate(name: scale.name, cell: cell, cells: cells, bytes: cells * bytesPerCell))
      if cells > Double(maximumCells) {
        problem(
          "error", "",
          "scale '\(scale.name)': cells of \(Self.metres(cell)) over the units' "
            + "\(Self.area(unitsArea)) make about \(Self.count(cells)) cells, more than the limit of "
            + "\(Self.count(Double(maximumCells))); choose a larger cell size")
      }
    }
    // One scale is made (and written) at a time; the others are then kept
    // only for the maps.
    let largest = out.max { $0.bytes < $1.bytes }
    let total =
      baseBytes + (largest?.bytes ?? 0)
      + (out.reduce(0) { $0 + $1.cells } - (largest?.cells ?? 0)) * keptBytesPerCell
    if out.allSatisfy({ $0.cells <= Double(maximumCells) }), total > 0.8 * memory {
      problem(
        "warning", "",
        "the grid scales need about \(Self.bytes(total)) of memory and this machine has "
          + "\(Self.bytes(memory)); drop the finest scale or choose larger cells")
    }
    return out
  }

  /// A count with thousands separators (`3,812,004`), or in powers of ten when huge.
  public static func count(_ value: Double) -> String {
    guard value < 1e12 else { return String(format: "%.2g", value) }
    var digits = Array(String(Int(value)))
    var index = digits.count - 3
    while index > 0 {
      digits.insert(",", at: index)
      index -= 3
    }
    return String(digits)
  }

  static func metres(_ value: Double) -> String {
    value >= 1000 ? "\(String(format: "%g", value / 1000)) km" : "\(String(format: "%g", value)) m"
  }

  static func area(_ squareMetres: Double) -> String {
    "\(String(format: "%.6g", squareMetres / 1e6)) km²"
  }

  /// Bytes in MB or GB.
  public static func bytes(_ value: Double) -> String {
    value >= 1e9 ? String(format: "%.1f GB", value / 1e9) : String(format: "%.0f MB", value / 1e6)
  }
}
