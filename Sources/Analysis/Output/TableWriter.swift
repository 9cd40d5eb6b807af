import Foundation
import GDALKit
import GEOSKit
import GeoCore
import PROJKit

/// Writes grids and interpolation results as vector layers (the format follows
/// the extension; `.csv` gets no geometry column, `.geojson` is reprojected to
/// WGS 84), atomically, with a JSON sidecar `<output>.meta.json` when metadata is given.
public enum TableWriter {
  /// Writes grid `cells` of `shape` in `crs`; with `table`, only its rows, each
  /// followed by its values.
  /// - Throws: `OutputError`, `GDALError`, `PROJError`, `GEOSError`; nothing is left on failure.
  public static func writeGrid(
    cells: [TargetKey], shape: GridShape, crs: CRS, table: ValueTable?, path: String,
    policy: ExistingOutputPolicy, metadata: AnalysisMetadata? = nil
  ) throws {
    var fields = [Field(name: "col", type: .integer), Field(name: "row", type: .integer)]
    let inspire: Bool
    switch shape {
    case .square(let grid):
      fields += ["x_min", "y_min", "x_max", "y_max"].map { Field(name: $0, type: .real) }
      inspire = grid.inspire
      if inspire { fields.append(Field(name: "inspire_id", type: .string)) }
    case .hexagon:
      fields += ["x", "y"].map { Field(name: $0, type: .real) }
      inspire = false
    }
    fields += table?.fields ?? []
    let rows: [(TargetKey, [FieldValue])] = table?.rows ?? cells.map { ($0, []) }
    try write(
      path: path, policy: policy, layerName: "grid", crs: crs, fields: fields, metadata: metadata
    ) { emit in
      for (key, values) in rows {
        var attributes: [FieldValue] = [.integer(Int64(key.column)), .integer(Int64(key.row))]
        switch shape {
        case .square(let grid):
          let box = grid.envelope(column: key.column, row: key.row)
          attributes += [box.minX, box.minY, box.maxX, box.maxY].map(FieldValue.real)
          if inspire {
            attributes.append(.string(grid.inspireIdentifier(column: key.column, row: key.row)))
          }
        case .hexagon(let grid):
          let centre = grid.centre(column: key.column, row: key.row)
          attributes += [.real(centre.x), .real(centre.y)]
        }
        try emit(attributes + values, try shape.polygon(key))
      }
    }
  }

  /// Writes the target polygons with their own attributes followed by the table's
  /// values (a row's key is the target's index; value columns whose name a target
  /// field already has get `_i` appended).
  /// - Throws: `OutputError`, `GDALError`, `PROJError`, `GEOSError`; nothing is left on failure.
  public static func writeTargets(
    _ targets: TargetLayer, table: ValueTable, crs: CRS, path: String,
    policy: ExistingOutputPolicy, metadata: AnalysisMetadata? = nil
  ) throws {
    var names = Set(targets.fields.map(\.name))
    let valueFields = table.fields.map { field -> Field in
      var field = field
      while names.contains(field.name) { field.name += "_i" }
      names.insert(field.name)
      return field
    }
    try write(
      path: path, policy: policy, layerName: targets.name, crs: crs,
      fields: targets.fields + valueFields, metadata: metadata
    ) { emit in
      for (key, values) in table.rows {
        let index = key.row
        let geometry =
          targets.geometries[index].isEmpty ? nil : try Geometry(wkb: targets.geometries[index])
        try emit(targets.attributes[index] + values, geometry)
      }
    }
  }

  /// A category as a column-name suffix: letters, digits and `_` only.
  static func columnSafe(_ text: String) -> String {
    let mapped = text.unicodeScalars.map { scalar -> Character in
      CharacterSet.alphanumerics.contains(scalar) ? Character(scalar) : "_"
    }
    return mapped.isEmpty ? "empty" : String(mapped)
  }

  /// Creates the writer (and the metadata sidecar), lets `body` emit rows, commits both.
  private static func write(
    path: String, policy: ExistingOutputPolicy, layerName: String, crs: CRS, fields: [Field],
    metadata: AnalysisMetadata?,
    _ body: ((_ attributes: [FieldValue], _ geometry: Geometry?) throws -> Void) throws -> Void
  ) throws {
    let sidecar = try metadata.map { _ in
      try StagedOutput(path: AnalysisMetadata.sidecarPath(for: path), policy: policy)
    }
    let writer = try VectorWriter(path: path, policy: policy)
    let withGeometry = writer.format != .csv
    let outputCRS = writer.format.requiresWGS84 ? try CRS.wgs84 : crs
    let transformer =
      outputCRS.isEquivalent(to: crs) ? nil : try Transformer(from: crs, to: outputCRS)
    do {
      let layer = try writer.addLayer(
        name: layerName, geometryType: withGeometry ? .unknown : .none,
        crs: withGeometry ? outputCRS : nil, fields: fields)
      var written: Int64 = 0
      try body { attributes, geometry in
        var geometry = withGeometry ? geometry : nil
        if let transformer, let projected = geometry {
          geometry = try projected.transformed { x, y in
            (x, y) = try transformer.transform(x: x, y: y)
          }
        }
        written += 1
        try writer.write(
          Feature(id: written, attributes: attributes, geometry: geometry), toLayer: layer)
      }
      if let metadata { writer.setMetadata(metadata.gdalItems, layer: layer) }
      if let sidecar, let metadata {
        try metadata.json().write(to: sidecar.stagingPath)
      }
      try writer.commit()
      try sidecar?.commit()
    } catch {
      writer.discard()
      sidecar?.discard()
      throw error
    }
  }
}
