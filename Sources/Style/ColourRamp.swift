/// A continuous colour ramp for raster tiles: colours at evenly spaced stops,
/// interpolated in between, stretched over the band's range.
public struct ColourRamp: Sendable {
  /// The ramp's name.
  public let name: String
  private let stops: [SIMD3<Double>]

  /// A hypsometric ramp for elevation: greens, yellows, browns, then white
  /// (heights at or below 0 are drawn as water by the raster tiler).
  static let terrain: [UInt32] = [
    0x1A9850, 0x91CF60, 0xD9EF8B, 0xFEE08B, 0xD8B365, 0x8C510A, 0xF5F5F5,
  ]

  /// `terrain`, or any ColorBrewer sequential or diverging palette by name (`YlGn`, `Blues`, `RdYlBu`).
  /// - Throws: `StyleError.unknownRamp` naming the ramps that exist.
  public init(name: String) throws(StyleError) {
    if name.lowercased() == "terrain" {
      self.name = "terrain"
      stops = ColourRamp.terrain.map(ColourRamp.rgb)
      return
    }
    guard let palette = try? Palette(name), palette.kind != .qualitative,
      let colours = try? palette.colours(palette.classCounts.upperBound)
    else {
      let names = ["terrain"] + Palette.names.filter { (try? Palette($0))?.kind != .qualitative }
      throw .unknownRamp(name: name, known: names)
    }
    self.name = palette.name
    stops = colours.map { SIMD3($0.red, $0.green, $0.blue) }
  }

  /// The colour at `t` in 0 ... 1, as 8-bit RGB.
  public func colour(at t: Double) -> SIMD3<UInt8> {
    let position = min(max(t, 0), 1) * Double(stops.count - 1)
    let low = min(Int(position), stops.count - 2)
    let mix = stops[low] + (stops[low + 1] - stops[low]) * (position - Double(low))
    let scaled = (mix * 255).rounded(.toNearestOrAwayFromZero)
    return SIMD3(UInt8(scaled.x), UInt8(scaled.y), UInt8(scaled.z))
  }

  private static func rgb(_ hex: UInt32) -> SIMD3<Double> {
    SIMD3(Double(hex >> 16 & 0xFF), Double(hex >> 8 & 0xFF), Double(hex & 0xFF)) / 255
  }
}
