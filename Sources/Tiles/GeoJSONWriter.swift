import Foundation
import GEOSKit
import GeoCore

/// Writes RFC 7946 GeoJSON by construction, streaming: WGS 84 longitude/latitude
/// (the caller projects), exterior rings counter-clockwise and holes clockwise,
/// no `crs` member, a fixed number of decimals, geometries crossing the
/// antimeridian cut in two, properties with their JSON types. As a
/// FeatureCollection (`.geojson`) or one feature per line (`.geojsonl`,
/// `.geojsons`: RFC 8142 without record separators).
///
/// Why not GDAL's writer: GDAL 3.6 with `RFC7946=YES` turns a polygon already
/// split at the antimeridian (Natural Earth's Russia) into a zero-area ring, and
/// writes integer-valued reals as `28801.0` only for some drivers; here every
/// rule is ours and tested.
public final class GeoJSONWriter {
  private let output: StagedOutput
  private let handle: FileHandle
  private let sequence: Bool
  private let decimals: Int
  private let writeBoundingBoxes: Bool
  private var buffer: [UInt8] = []
  private var count = 0
  private var extent: Envelope?

  /// Creates the output in a staging place.
  /// - Parameters:
  ///   - path: the final path; `.geojsonl` or `.geojsons` make a sequence.
  ///   - decimals: decimals of coordinates (7, about 1 cm).
  ///   - boundingBoxes: write a `bbox` for each feature and the collection.
  /// - Throws: `OutputError`.
  public init(
    path: String, decimals: Int = 7, boundingBoxes: Bool = false, policy: ExistingOutputPolicy
  ) throws {
    output = try StagedOutput(path: path, policy: policy)
    let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
    sequence = ext == "geojsonl" || ext == "geojsons"
    self.decimals = decimals
    writeBoundingBoxes = boundingBoxes
    guard FileManager.default.createFile(atPath: output.stagingPath.path, contents: nil),
      let handle = try? FileHandle(forWritingTo: output.stagingPath)
    else { throw OutputError.notWritable(path: path, reason: "cannot create the file") }
    self.handle = handle
    if !sequence { append("{\"type\":\"FeatureCollection\",\"features\":[\n") }
  }

  /// The number of features written.
  public var featureCount: Int { count }

  /// Writes one feature; `geometry` in longitude/latitude degrees.
  /// - Throws: `GEOSError` when the geometry cannot be cut at the antimeridian,
  ///   `OutputError` when writing fails.
  public func write(properties: [(name: String, value: FieldValue)], geometry: Geometry?) throws {
    var text = sequence || count == 0 ? "" : ",\n"
    text += "{\"type\":\"Feature\",\"properties\":{"
    text += properties.map { "\(JSONText.string($0.name)):\(JSONText.value($0.value))" }.joined(
      separator: ",")
    text += "},\"geometry\":"
    if let geometry, !geometry.isEmpty {
      let cut = try Antimeridian.cut(geometry)
      if writeBoundingBoxes, let box = cut.envelope {
        extent = extent.map { $0.union(box) } ?? box
        text += GeoJSONGeometry.text(cut, decimals: decimals) + ",\"bbox\":" + bbox(box)
      } else {
        text += GeoJSONGeometry.text(cut, decimals: decimals)
      }
    } else {
      text += "null"
    }
    text += "}"
    if sequence { text += "\n" }
    append(text)
    count += 1
    if buffer.count > 1 << 20 { try flush() }
  }

  /// Closes the collection and moves the file into place.
  public func commit() throws {
    if !sequence {
      append(
        "\n]" + (writeBoundingBoxes ? ",\"bbox\":" + (extent.map(bbox) ?? "null") : "") + "}\n")
    }
    try flush()
    try handle.close()
    try output.commit()
  }

  /// Removes what was written.
  public func discard() {
    try? handle.close()
    output.discard()
  }

  private func bbox(_ box: Envelope) -> String {
    "["
      + [box.minX, box.minY, box.maxX, box.maxY].map { JSONText.number($0, decimals: decimals) }
      .joined(separator: ",") + "]"
  }

  private func append(_ text: String) { buffer.append(contentsOf: text.utf8) }

  private func flush() throws {
    do {
      try handle.write(contentsOf: buffer)
    } catch {
      throw OutputError.notWritable(path: output.target.path, reason: error.localizedDescription)
    }
    buffer.removeAll(keepingCapacity: true)
  }
}
