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
  /// What rounding to the output's decimals changed, over all features written.
  public private(set) var rounding = RoundingReport()

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

  /// Writes one feature; `geometry` in longitude/latitude degrees. A polygon
  /// that is not valid as written (reprojection and rounding can fold a valid
  /// one) is snap-rounded to a valid one on the output's grid, and counted in
  /// `rounding`.
  /// - Throws: `GEOSError` when the geometry cannot be cut at the antimeridian,
  ///   `OutputError` when writing fails.
  public func write(properties: [(name: String, value: FieldValue)], geometry: Geometry?) throws {
    let shape: GeoShape?
    do {
      shape = try GeoShape.lonLat([geometry], nil)[0]
    } catch let error as OutsideGlobe {
      throw TilesError.outsideGlobe(
        path: output.target.path, layer: "features", feature: Int64(count),
        longitude: error.coordinate.x, latitude: error.coordinate.y)
    }
    let encoded = GeoJSONWriter.encode(
      names: properties.map(\.name), values: properties.map(\.value), shape: shape,
      decimals: decimals, boundingBox: writeBoundingBoxes, wasValid: true)
    rounding.add(encoded.rounding)
    try write(encoded: encoded.bytes, box: encoded.box)
  }

  /// One feature as text, with what rounding did to its geometry.
  struct Encoded: Sendable {
    var bytes: [UInt8]
    var box: Envelope?
    var rounding: RoundingOutcome
  }

  /// One feature's JSON object (no separator), with the properties `names` and
  /// `values` (paired in order), the box of its geometry when
  /// `boundingBox` asks for a `bbox` member, and what rounding the coordinates to
  /// `decimals` did (`GeoJSONRounding`; `wasValid` tells whether the unrounded
  /// geometry is valid). Pure: encoders run on several threads.
  static func encode(
    names: [String], values: [FieldValue], shape: GeoShape?, decimals: Int,
    boundingBox: Bool, wasValid: Bool
  ) -> Encoded {
    var outcome = RoundingOutcome()
    var shape = shape
    if let unrounded = shape {
      (shape, outcome) = GeoJSONRounding.rounded(unrounded, decimals: decimals, wasValid: wasValid)
    }
    var out: [UInt8] = []
    out.reserveCapacity(256)
    out.append(contentsOf: "{\"type\":\"Feature\",\"properties\":{".utf8)
    for index in 0..<min(names.count, values.count) {
      if index > 0 { out.append(UInt8(ascii: ",")) }
      JSONText.appendString(names[index], to: &out)
      out.append(UInt8(ascii: ":"))
      JSONText.appendValue(values[index], to: &out)
    }
    out.append(contentsOf: "},\"geometry\":".utf8)
    var box: Envelope?
    if let shape {
      GeoJSONGeometry.append(shape, decimals: decimals, to: &out)
      if boundingBox {
        let extent = shape.boundingBox
        box = extent
        out.append(contentsOf: ",\"bbox\":".utf8)
        appendBox(extent, decimals: decimals, to: &out)
      }
    } else {
      out.append(contentsOf: "null".utf8)
    }
    out.append(UInt8(ascii: "}"))
    return Encoded(bytes: out, box: box, rounding: outcome)
  }

  /// Appends a feature made by `encode`, with the separator the output needs.
  func write(encoded bytes: [UInt8], box: Envelope?) throws {
    if !sequence && count > 0 { buffer.append(contentsOf: ",\n".utf8) }
    buffer.append(contentsOf: bytes)
    if sequence { buffer.append(UInt8(ascii: "\n")) }
    if let box { extent = extent.map { $0.union(box) } ?? box }
    count += 1
    if buffer.count > 1 << 20 { try flush() }
  }

  private static func appendBox(_ box: Envelope, decimals: Int, to out: inout [UInt8]) {
    out.append(UInt8(ascii: "["))
    // An east edge beyond 180 is a box across the antimeridian: west > east.
    let east = box.maxX > 180 ? box.maxX - 360 : box.maxX
    for (index, value) in [box.minX, box.minY, east, box.maxY].enumerated() {
      if index > 0 { out.append(UInt8(ascii: ",")) }
      JSONText.appendNumber(value, decimals: decimals, to: &out)
    }
    out.append(UInt8(ascii: "]"))
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
    var bytes: [UInt8] = []
    GeoJSONWriter.appendBox(box, decimals: decimals, to: &bytes)
    return String(decoding: bytes, as: UTF8.self)
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
