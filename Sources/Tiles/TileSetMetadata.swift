import Foundation
import GeoCore

/// What a tileset says about itself: TileJSON 3.0 fields, and for vector tiles
/// the `vector_layers` list (each layer's fields and zoom range) that styles and
/// QGIS read to know what is inside.
public struct TileSetMetadata: Sendable {
  /// Tile content.
  public enum Format: String, Sendable {
    /// Mapbox Vector Tiles.
    case mvt = "pbf"
    /// PNG images.
    case png
  }

  /// One MVT layer as `vector_layers` describes it.
  public struct VectorLayer: Sendable {
    /// The layer name.
    public var id: String
    /// Field names with their TileJSON types (`Number`, `String`, `Boolean`).
    public var fields: [(name: String, type: String)]
    /// The zooms at which the layer is written.
    public var minZoom: Int
    /// The highest zoom at which the layer is written.
    public var maxZoom: Int
    /// The source layer's geometry kind (`polygon`, `line`, `point`).
    public var geometry: String?
  }

  /// The tileset name.
  public var name: String
  /// What the tiles show.
  public var description: String
  /// Tile content.
  public var format: Format
  /// Lowest zoom.
  public var minZoom: Int
  /// Highest zoom.
  public var maxZoom: Int
  /// Longitude/latitude bounds of the data.
  public var bounds: Envelope
  /// The vector layers (empty for raster tiles).
  public var vectorLayers: [VectorLayer]

  /// The centre: the middle of the bounds, at the zoom where the bounds fill a
  /// view of about 1,024 pixels (within the tileset's zooms).
  public var center: (longitude: Double, latitude: Double, zoom: Int) {
    let low = WebMercator.world(longitude: bounds.minX, latitude: bounds.minY)
    let high = WebMercator.world(longitude: bounds.maxX, latitude: bounds.maxY)
    let span = max(abs(high.x - low.x), abs(high.y - low.y))
    let fitting = span > 0 ? Int(log2(4 / span).rounded(.down)) : maxZoom
    return (
      (bounds.minX + bounds.maxX) / 2, (bounds.minY + bounds.maxY) / 2,
      max(minZoom, min(maxZoom, fitting))
    )
  }

  /// `{"vector_layers":[...]}`, as MBTiles' `json` row and GDAL's MVT reader expect.
  public var vectorLayersJSON: String {
    "{\"vector_layers\":[" + vectorLayers.map(layerJSON).joined(separator: ",") + "]}"
  }

  /// The TileJSON 3.0.0 document; `tiles` is the URL template when one is known.
  public func tileJSON(tiles: String?) -> String {
    var members = [
      "\"tilejson\":\"3.0.0\"",
      "\"name\":" + JSONText.string(name),
      "\"description\":" + JSONText.string(description),
      "\"version\":\"1.0.0\"",
      "\"scheme\":\"xyz\"",
      "\"format\":" + JSONText.string(format.rawValue),
      "\"minzoom\":\(minZoom)",
      "\"maxzoom\":\(maxZoom)",
      "\"bounds\":[\(boundsText)]",
      "\"center\":[\(centerText)]",
      "\"generator\":\"territory\"",
    ]
    if let tiles { members.insert("\"tiles\":[" + JSONText.string(tiles) + "]", at: 1) }
    if format == .mvt {
      members.append(
        "\"vector_layers\":[" + vectorLayers.map(layerJSON).joined(separator: ",") + "]")
      // The same list as text, where tippecanoe-style readers (GDAL's MVT driver) look.
      members.append("\"json\":" + JSONText.string(vectorLayersJSON))
    }
    return "{" + members.joined(separator: ",") + "}\n"
  }

  /// Rows of an MBTiles 1.3 `metadata` table.
  public var mbtilesRows: [(String, String)] {
    var rows = [
      ("name", name), ("description", description), ("format", format.rawValue),
      ("type", "overlay"), ("version", "1.0.0"),
      ("minzoom", "\(minZoom)"), ("maxzoom", "\(maxZoom)"),
      (
        "bounds",
        boundsText
      ),
      ("center", centerText),
      ("generator", "territory"),
    ]
    if format == .mvt { rows.append(("json", vectorLayersJSON)) }
    return rows
  }

  private func layerJSON(_ layer: VectorLayer) -> String {
    let fields = layer.fields.map { JSONText.string($0.name) + ":" + JSONText.string($0.type) }
    var text =
      "{\"id\":" + JSONText.string(layer.id) + ",\"description\":\"\",\"minzoom\":\(layer.minZoom)"
    text += ",\"maxzoom\":\(layer.maxZoom),\"fields\":{" + fields.joined(separator: ",") + "}"
    if let geometry = layer.geometry { text += ",\"geometry\":" + JSONText.string(geometry) }
    return text + "}"
  }

  /// `west,south,east,north`, as TileJSON's array and MBTiles' row both write it.
  private var boundsText: String {
    [bounds.minX, bounds.minY, bounds.maxX, bounds.maxY].map(number).joined(separator: ",")
  }

  /// `longitude,latitude,zoom`.
  private var centerText: String {
    let c = center
    return "\(number(c.longitude)),\(number(c.latitude)),\(c.zoom)"
  }

  private func number(_ value: Double) -> String { JSONText.number(value, decimals: 7) }

  /// The TileJSON type of a field.
  static func tileJSONType(_ type: FieldType) -> String {
    switch type {
    case .integer, .integer64, .real: return "Number"
    case .boolean: return "Boolean"
    default: return "String"
    }
  }
}
