/// An axis-aligned bounding box in the units of its coordinate reference system.
///
/// The box is closed: a point on an edge is inside. An envelope with `minX > maxX`
/// or `minY > maxY` is never built; empty geometries have no envelope (`nil`).
public struct Envelope: Sendable, Hashable, Codable, CustomStringConvertible {
  /// The smallest x (west edge for longitude/latitude).
  public var minX: Double
  /// The smallest y (south edge for longitude/latitude).
  public var minY: Double
  /// The largest x.
  public var maxX: Double
  /// The largest y.
  public var maxY: Double

  /// Creates an envelope from its bounds; the bounds are reordered if given swapped.
  public init(minX: Double, minY: Double, maxX: Double, maxY: Double) {
    self.minX = Swift.min(minX, maxX)
    self.minY = Swift.min(minY, maxY)
    self.maxX = Swift.max(minX, maxX)
    self.maxY = Swift.max(minY, maxY)
  }

  /// The width, `maxX - minX`.
  public var width: Double { maxX - minX }
  /// The height, `maxY - minY`.
  public var height: Double { maxY - minY }
  /// The area, `width * height`.
  public var area: Double { width * height }
  /// Whether every bound is a finite number.
  public var isFinite: Bool { [minX, minY, maxX, maxY].allSatisfy(\.isFinite) }

  /// The envelope of nothing: union with it or `expand` gives the other operand.
  public static let empty: Envelope = {
    var box = Envelope(minX: 0, minY: 0, maxX: 0, maxY: 0)
    (box.minX, box.minY, box.maxX, box.maxY) = (.infinity, .infinity, -.infinity, -.infinity)
    return box
  }()

  /// Whether the envelope holds no point (it is `empty`).
  public var isEmpty: Bool { minX > maxX || minY > maxY }

  /// Grows the envelope to hold (x, y).
  public mutating func expand(x: Double, y: Double) {
    minX = Swift.min(minX, x)
    minY = Swift.min(minY, y)
    maxX = Swift.max(maxX, x)
    maxY = Swift.max(maxY, y)
  }

  /// The smallest envelope holding both this one and `other`.
  public func union(_ other: Envelope) -> Envelope {
    if isEmpty { return other }
    if other.isEmpty { return self }
    return Envelope(
      minX: Swift.min(minX, other.minX), minY: Swift.min(minY, other.minY),
      maxX: Swift.max(maxX, other.maxX), maxY: Swift.max(maxY, other.maxY))
  }

  /// Whether the two closed boxes share at least one point.
  public func intersects(_ other: Envelope) -> Bool {
    minX <= other.maxX && other.minX <= maxX && minY <= other.maxY && other.minY <= maxY
  }

  /// Whether `other` lies entirely inside this box (edges included).
  public func contains(_ other: Envelope) -> Bool {
    minX <= other.minX && other.maxX <= maxX && minY <= other.minY && other.maxY <= maxY
  }

  /// `minX,minY,maxX,maxY`, the order GDAL's `-spat` and `--bbox` options use.
  public var description: String { "\(minX),\(minY),\(maxX),\(maxY)" }
}
