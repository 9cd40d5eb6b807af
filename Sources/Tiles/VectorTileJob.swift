import Foundation
import GeoCore
import PROJKit

/// `territory tiles INPUT... -o OUT`: vector layers of any format and CRS to a
/// PMTiles archive, an MBTiles file or an XYZ folder of Mapbox Vector Tiles.
public enum VectorTileJob {
  /// One input layer.
  public struct Input: Sendable {
    /// The file.
    public var path: String
    /// The layer inside it (`nil`: the first).
    public var layer: String?
    /// The MVT layer name (`nil`: the source layer's name).
    public var name: String?

    /// An input.
    public init(path: String, layer: String? = nil, name: String? = nil) {
      self.path = path
      self.layer = layer
      self.name = name
    }
  }

  /// What the job wrote.
  public struct Summary: Sendable {
    /// The output path.
    public var output: String
    /// One report per zoom.
    public var zooms: [ZoomReport]
    /// Features read per layer (name, features, features without geometry).
    public var layers: [(name: String, features: Int, withoutGeometry: Int)]
    /// The zoom range written.
    public var minZoom: Int
    /// The highest zoom written.
    public var maxZoom: Int
    /// The summed fields.
    public var accumulated: [String]
  }

  /// Checks a zoom range.
  /// - Throws: `TilesError.zoomRange` outside 0 ... 24 or reversed.
  public static func checkZooms(_ minimum: Int, _ maximum: Int) throws(TilesError) {
    guard (0...24).contains(minimum), (0...24).contains(maximum), minimum <= maximum else {
      throw TilesError.zoomRange(minimum: minimum, maximum: maximum)
    }
  }

  /// Runs the job.
  /// - Parameters:
  ///   - guessMaxZoom: choose the highest zoom from the features' sizes (`-zg`).
  ///   - progress: called with each zoom's report as it completes.
  /// - Throws: `TilesError`, `GDALError`, `PROJError`, `OutputError`.
  public static func run(
    inputs: [Input], output: String, options: VectorTileOptions,
    fields: TileLayerLoader.FieldSelection,
    assumedCRS: CRS?, guessMaxZoom: Bool, policy: ExistingOutputPolicy,
    progress: (ZoomReport) -> Void = { _ in }
  ) throws -> Summary {
    try checkZooms(options.minZoom, options.maxZoom)
    let kind = try TileOutputKind(path: output)
    // Refuse an existing output before the work, not after it.
    try kind.refuseExisting(output, policy: policy)
    var layers: [TileLayer] = []
    for input in inputs {
      let layer = try TileLayerLoader.load(
        path: input.path, layer: input.layer, name: input.name, fields: fields,
        assumedCRS: assumedCRS, threads: options.threads)
      if layers.contains(where: { $0.name == layer.name }) {
        throw TilesError.duplicateLayer(name: layer.name)
      }
      layers.append(layer)
    }
    try checkSelection(fields, layers, inputs)
    var options = options
    let accumulated = try accumulatedFields(options.limits.accumulate, layers, inputs)
    if guessMaxZoom { options.maxZoom = max(options.minZoom, guessedMaxZoom(layers)) }
    let description = metadata(layers, options)
    let counts = layers.map { ($0.name, $0.features.count, $0.featuresWithoutGeometry) }
    let sink = try kind.sink(path: output, format: .mvt, policy: policy)
    do {
      // The tiler takes the only copy of the layers: it drops the polygons'
      // coordinates once their shared borders hold them.
      let tiler = VectorTiler(layers: consume layers, options: options, accumulated: accumulated)
      let reports = try tiler.run(into: sink, progress: progress)
      try sink.finish(description)
      return Summary(
        output: output, zooms: reports, layers: counts,
        minZoom: options.minZoom, maxZoom: options.maxZoom,
        accumulated: options.limits.accumulate.map(\.field))
    } catch {
      sink.discard()
      throw error
    }
  }

  private static func checkSelection(
    _ selection: TileLayerLoader.FieldSelection, _ layers: [TileLayer], _ inputs: [Input]
  ) throws {
    let names: [String]
    switch selection {
    case .all: return
    case .only(let list), .except(let list): names = list
    }
    for name in names where !layers.contains(where: { $0.sourceFields.contains(name) }) {
      throw TilesError.unknownField(
        path: inputs[0].path, layer: layers[0].name, field: name, available: layers[0].sourceFields)
    }
  }

  private static func accumulatedFields(
    _ fields: [AccumulatedField], _ layers: [TileLayer], _ inputs: [Input]
  ) throws -> [[Int]] {
    for field in fields
    where !layers.contains(where: { $0.fields.contains { $0.name == field.field } }) {
      throw TilesError.unknownField(
        path: inputs[0].path, layer: layers[0].name, field: field.field,
        available: layers[0].fields.map(\.name))
    }
    return try zip(layers, inputs).map { layer, input in
      try fields.compactMap { field -> Int? in
        guard let index = layer.fields.firstIndex(where: { $0.name == field.field }) else {
          return nil
        }
        guard layer.fields[index].type.isNumeric else {
          throw TilesError.notNumeric(path: input.path, layer: layer.name, field: field.field)
        }
        return index
      }
    }
  }

  /// The zoom that shows the layers in full detail: the higher of the zoom at
  /// which the median feature spans four pixels and the zoom at which the median
  /// segment between two vertices spans two tile units (so vertices stay
  /// distinct); for points, where their mean spacing spans four pixels. Within
  /// 0 ... 24; 14 when the layers say nothing (a single point).
  static func guessedMaxZoom(_ layers: [TileLayer]) -> Int {
    var sizes: [Double] = []
    var segments: [Double] = []
    for layer in layers {
      var points: [SIMD2<Double>] = []
      for feature in layer.features {
        switch feature.geometry {
        case .points(let list):
          points += list
          continue
        case .lines(let lines):
          for line in lines { segments += zip(line, line.dropFirst()).map { length($0, $1) } }
        case .polygons(let polygons):
          for ring in polygons.joined() {
            segments += zip(ring, ring.dropFirst()).map { length($0, $1) }
          }
        }
        sizes.append(max(feature.bounds.width, feature.bounds.height))
      }
      if points.count >= 2 {
        let box = points.reduce(Envelope.empty) {
          $0.union(Envelope(minX: $1.x, minY: $1.y, maxX: $1.x, maxY: $1.y))
        }
        if box.area > 0 { sizes.append((box.area / Double(points.count)).squareRoot()) }
      }
    }
    func zoom(_ values: [Double], spanning units: Double) -> Int? {
      let positive = values.filter { $0 > 0 }.sorted()
      guard !positive.isEmpty else { return nil }
      return Int(log2(units / (4096 * positive[positive.count / 2])).rounded(.up))
    }
    let bySize = zoom(sizes, spanning: 4 * 16)
    let bySegment = zoom(segments, spanning: 2)
    guard bySize != nil || bySegment != nil else { return 14 }
    return min(24, max(0, max(bySize ?? 0, bySegment ?? 0)))
  }

  private static func length(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> Double {
    let d = b - a
    return (d * d).sum().squareRoot()
  }

  static func metadata(_ layers: [TileLayer], _ options: VectorTileOptions) -> TileSetMetadata {
    let box = layers.reduce(Envelope.empty) { $0.union($1.bounds) }
    let bounds =
      box.isEmpty
      ? Envelope(minX: -180, minY: -85.0511, maxX: 180, maxY: 85.0511)
      : WebMercator.lonLatBounds(of: box)
    let vectorLayers = layers.map { layer in
      TileSetMetadata.VectorLayer(
        id: layer.name,
        fields: layer.fields.map { ($0.name, TileSetMetadata.tileJSONType($0.type)) },
        minZoom: options.minZoom, maxZoom: options.maxZoom, geometry: geometryName(layer))
    }
    return TileSetMetadata(
      name: layers.map(\.name).joined(separator: ", "),
      description: "Vector tiles of " + layers.map(\.name).joined(separator: ", ")
        + " made by territory",
      format: .mvt, minZoom: options.minZoom, maxZoom: options.maxZoom, bounds: bounds,
      vectorLayers: vectorLayers)
  }

  private static func geometryName(_ layer: TileLayer) -> String? {
    switch layer.features.first?.geometry {
    case .polygons: return "polygon"
    case .lines: return "line"
    case .points: return "point"
    case nil: return nil
    }
  }
}
