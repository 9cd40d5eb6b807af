import GeoCore

/// A feature's geometry in Web Mercator unit-square coordinates (`WebMercator`),
/// reduced to one of the three geometry types a vector tile knows.
public enum TileGeometry: Sendable {
  /// One or more points.
  case points([SIMD2<Double>])
  /// One or more lines, each at least two points.
  case lines([[SIMD2<Double>]])
  /// One or more polygons, each a list of closed rings, exterior first.
  case polygons([[[SIMD2<Double>]]])

  /// The unit-square box of every coordinate.
  public var bounds: Envelope {
    var box = Envelope.empty
    func add(_ p: SIMD2<Double>) { box.expand(x: p.x, y: p.y) }
    switch self {
    case .points(let points): points.forEach(add)
    case .lines(let lines): for line in lines { line.forEach(add) }
    case .polygons(let polygons): for polygon in polygons { polygon.first?.forEach(add) }
    }
    return box
  }
}

/// One feature ready to be cut into tiles: its id, geometry and the values of the
/// layer's kept fields, in the order of `TileLayer.fields`.
public struct TileFeature: Sendable {
  /// The source feature id (MVT feature ids are unsigned; negative ids are not written).
  public var id: Int64
  /// The geometry in unit-square coordinates.
  public var geometry: TileGeometry
  /// One value per field of the layer.
  public var attributes: TileAttributeRow
  /// The unit-square box of the geometry.
  public var bounds: Envelope

  /// A feature; its box is computed from the geometry.
  public init(id: Int64, geometry: TileGeometry, attributes: [FieldValue]) {
    self.init(id: id, geometry: geometry, attributes: TileAttributeRow(attributes))
  }

  /// A feature whose values are `attributes`; its box is computed from the geometry.
  public init(id: Int64, geometry: TileGeometry, attributes: TileAttributeRow) {
    self.id = id
    self.geometry = geometry
    self.attributes = attributes
    bounds = geometry.bounds
  }
}

/// One MVT layer: a name, its fields and its features, all in memory.
public struct TileLayer: Sendable {
  /// The MVT layer name.
  public var name: String
  /// The fields written as attributes.
  public var fields: [Field]
  /// The features.
  public var features: [TileFeature]
  /// Every field of the source layer, kept or not.
  public var sourceFields: [String] = []
  /// Features of the source that had no geometry and so cannot be in a tile.
  public var featuresWithoutGeometry = 0

  /// A layer.
  public init(name: String, fields: [Field], features: [TileFeature]) {
    self.name = name
    self.fields = fields
    self.features = features
  }

  /// The unit-square box of every feature.
  public var bounds: Envelope {
    features.reduce(Envelope.empty) { $0.union($1.bounds) }
  }
}
