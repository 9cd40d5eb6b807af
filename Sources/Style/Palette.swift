/// An RGB colour, components from 0 to 1.
public struct Colour: Sendable, Hashable {
  /// Red, 0 to 1.
  public var red: Double
  /// Green, 0 to 1.
  public var green: Double
  /// Blue, 0 to 1.
  public var blue: Double

  /// Creates a colour from components between 0 and 1.
  public init(red: Double, green: Double, blue: Double) {
    self.red = red
    self.green = green
    self.blue = blue
  }

  /// Creates a colour from a 24-bit hexadecimal value (`0xFD8D3C`).
  public init(hex: UInt32) {
    red = Double((hex >> 16) & 0xFF) / 255
    green = Double((hex >> 8) & 0xFF) / 255
    blue = Double(hex & 0xFF) / 255
  }

  /// `#RRGGBB`.
  public var hex: String {
    let value =
      (Int((red * 255).rounded()) << 16) | (Int((green * 255).rounded()) << 8)
      | Int((blue * 255).rounded())
    let text = String(value, radix: 16, uppercase: true)
    return "#" + String(repeating: "0", count: 6 - text.count) + text
  }
}

/// A ColorBrewer colour scheme (`YlOrRd`, `RdBu`, `Set2`, ...).
public struct Palette: Sendable, Hashable {
  /// How a scheme orders its colours.
  public enum Kind: String, Sendable {
    /// Light to dark: low to high values.
    case sequential
    /// Two hues diverging from a light middle: values around a centre.
    case diverging
    /// Distinct hues: categories.
    case qualitative
  }

  /// The scheme's ColorBrewer name.
  public let name: String
  /// Sequential, diverging or qualitative.
  public let kind: Kind
  /// Whether ColorBrewer marks the scheme readable with the common colour-vision deficiencies.
  public let colourBlindSafe: Bool
  /// Whether the colours are reversed (`--reverse`).
  public let reversed: Bool

  /// The scheme called `name` (case-insensitive).
  /// - Throws: `StyleError.unknownPalette` listing the names that look close.
  public init(_ name: String, reversed: Bool = false) throws(StyleError) {
    guard let key = Self.table.keys.first(where: { $0.lowercased() == name.lowercased() }),
      let entry = Self.table[key]
    else {
      // The five names closest in spelling (edit distance, ignoring case).
      let close = Self.names.sorted {
        Self.distance($0.lowercased(), name.lowercased())
          < Self.distance($1.lowercased(), name.lowercased())
      }
      throw .unknownPalette(name: name, close: Array(close.prefix(5)))
    }
    self.name = key
    kind = entry.kind
    colourBlindSafe = entry.colourBlindSafe
    self.reversed = reversed
  }

  /// Levenshtein distance between two names.
  static func distance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    var previous = Array(0...b.count)
    for (i, x) in a.enumerated() {
      var current = [i + 1]
      for (j, y) in b.enumerated() {
        current.append(
          Swift.min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
      }
      previous = current
    }
    return previous[b.count]
  }

  /// Every scheme name, sorted.
  public static var names: [String] { table.keys.sorted() }

  /// The numbers of classes the scheme offers (3 to 9, up to 11 or 12 for some).
  public var classCounts: ClosedRange<Int> {
    let counts = Self.table[name]!.colours.keys
    return counts.min()!...counts.max()!
  }

  /// The colours for `count` classes. Fewer than 3 classes take the ends of the
  /// 3-class scheme; more than the scheme offers is an error.
  /// - Throws: `StyleError.tooManyClasses`.
  public func colours(_ count: Int) throws(StyleError) -> [Colour] {
    let available = classCounts
    guard count <= available.upperBound else {
      throw .tooManyClasses(palette: name, requested: count, maximum: available.upperBound)
    }
    var values: [UInt32]
    if count >= available.lowerBound {
      values = Self.table[name]!.colours[count]!
    } else {
      let three = Self.table[name]!.colours[available.lowerBound]!
      values = count == 1 ? [three[three.count / 2]] : [three.first!, three.last!]
    }
    if reversed { values.reverse() }
    return values.map(Colour.init(hex:))
  }
}

extension Palette {
  /// The palette of an analysis indicator, chosen by its name: densities
  /// (`_density`) yellow to red, means of a raster (`_mean`) yellow to blue,
  /// changes (`_change`, `_change_pct`) red (loss) to blue (gain), diverging,
  /// travel times (`_minutes`) pale orange (near) to dark red (far), anything
  /// else (counts, shares) purples.
  public static func forIndicator(named name: String) -> Palette {
    let scheme =
      name.hasSuffix("_change") || name.hasSuffix("_change_pct")
      ? "RdBu"
      : name.hasSuffix("_density")
        ? "YlOrRd"
        : name.hasSuffix("_mean") ? "YlGnBu" : name.hasSuffix("_minutes") ? "OrRd" : "Purples"
    // The five names are in the ColorBrewer table.
    return try! Palette(scheme)
  }
}
