import ArgumentParser
import Foundation
import TerritoryKit

extension TilesCommand {
  /// The raster input, when the inputs are one raster; `nil` for vector inputs.
  func rasterInput() throws -> String? { nil }

  func runRaster(_ path: String, policy: ExistingOutputPolicy) throws {}
}
