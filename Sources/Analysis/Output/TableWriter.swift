import Foundation
import GDALKit
import GEOSKit
import GeoCore
import PROJKit

/// Writes grids and interpolation results as vector layers (the format follows
/// the extension; `.csv` gets no geometry column, `.geojson` is reprojected to
/// WGS 84), atomically, with a JSON sidecar `<output>.meta.json` when metadata is given.
///
/// A `PG:` connection as the path writes the PostGIS table `databaseTable`
/// instead, in one transaction (`PostGISTableWriter`), in the working CRS, the
/// metadata as the table's comment.
public enum TableWriter {
  /// Writes grid `cells` of `shape` in `crs`; with `table`, only its rows, each
  /// followed by its values.
  /// - Throws: `OutputError`, `AnalysisError.outputTable`, `GDALError`,
  ///   `PROJError`, `GEOSError`; nothing is left on failure.
  public static func writeGrid(
    cells: [TargetKey], shape: GridShape, crs: CRS, table: ValueTable?, path: String,
    databaseTable: PostGISTable? = nil, policy: ExistingOutputPolicy,
    metadata: AnalysisMetadata? = nil, threads: Int = ParallelChunks.defaultThreads
  ) throws {
    let rows = table ?? ValueTable(fields: [], rows: cells.map { ($0, []) })
    try writeGridInBatches(
      shape: shape, crs: crs, valueFields: rows.fields, path: path,
      databaseTable: databaseTable, policy: policy, metadata: metadata.map { value in { value } },
      threads: threads
    ) { append in try append(rows) }
  }

  /// Writes grid cells of `shape` in `crs` batch after batch: `produce` calls
  /// its argument with each batch of rows (each a cell followed by one value
  /// per `valueFields`), and only one batch is held at a time. `metadata`, when
  /// there is some, is asked for once every batch is written.
  /// - Throws: what `produce` throws, and as `writeGrid`; nothing is left on failure.
  public static func writeGridInBatches(
    shape: GridShape, crs: CRS, valueFields: [Field], path: String,
    databaseTable: PostGISTable? = nil, policy: ExistingOutputPolicy,
    metadata: (() -> AnalysisMetadata)?, threads: Int = ParallelChunks.defaultThreads,
    produce: (_ append: (any GridRowBatch) throws -> Void) throws -> Void
  ) throws {
    let format = GridRowFormat(shape: shape)
    try write(
      path: path, databaseTable: databaseTable, policy: policy, layerName: "grid", crs: crs,
      geometryType: .polygon, fields: format.fields + valueFields, metadata: metadata,
      threads: threads
    ) { sink in
      try produce { rows in
        try sink.append(
          Batch(
            count: rows.count, attributes: { format.attributes(rows.key($0), rows.values($0)) },
            geometry: { try shape.polygon(rows.key($0)) },
            csvLine: { format.appendCSVLine(rows, $0, to: &$1) }))
      }
    }
  }

  /// Writes the target polygons with their own attributes followed by the table's
  /// values (a row's key is the target's index; value columns whose name a target
  /// field already has get `_i` appended).
  /// - Throws: `OutputError`, `AnalysisError.outputTable`, `GDALError`,
  ///   `PROJError`, `GEOSError`; nothing is left on failure.
  public static func writeTargets(
    _ targets: TargetLayer, table: ValueTable, crs: CRS, path: String,
    databaseTable: PostGISTable? = nil, policy: ExistingOutputPolicy,
    metadata: AnalysisMetadata? = nil, threads: Int = ParallelChunks.defaultThreads
  ) throws {
    let rows = table.rows
    try write(
      path: path, databaseTable: databaseTable, policy: policy, layerName: targets.name,
      crs: crs, geometryType: .multiPolygon,
      fields: targets.fields + valueFields(table.fields, besides: targets.fields),
      metadata: metadata.map { value in { value } }, threads: threads
    ) { sink in
      try sink.append(
        Batch(
          count: rows.count,
          attributes: { targets.attributes[rows[$0].key.row] + rows[$0].values },
          geometry: { try targets.geometries[rows[$0].key.row].map(Geometry.polygonal) }))
    }
  }

  /// `fields` renamed where a target field already has the name (`_i` appended).
  static func valueFields(_ fields: [Field], besides targetFields: [Field]) -> [Field] {
    var names = Set(targetFields.map(\.name))
    return fields.map { field -> Field in
      var field = field
      while names.contains(field.name) { field.name += "_i" }
      names.insert(field.name)
      return field
    }
  }

  /// Refuses a `PG:` output without a table, and a table for a file output.
  /// - Throws: `AnalysisError.outputTable`.
  public static func checkDestination(path: String, databaseTable: PostGISTable?) throws {
    let isDatabase = PostgreSQLConnection.isConnection(path)
    if isDatabase && databaseTable == nil {
      throw AnalysisError.outputTable(
        output: path, problem: "a PG: output needs --table schema.table to name the table to write")
    }
    if !isDatabase, let databaseTable {
      throw AnalysisError.outputTable(
        output: path,
        problem:
          "--table \(databaseTable) names the table of a PG: output; for a file, the extension picks the format"
      )
    }
  }

  /// A category as a column-name suffix: letters, digits and `_` only.
  static func columnSafe(_ text: String) -> String {
    let mapped = text.unicodeScalars.map { scalar -> Character in
      CharacterSet.alphanumerics.contains(scalar) ? Character(scalar) : "_"
    }
    return mapped.isEmpty ? "empty" : String(mapped)
  }

  /// Writes `count` rows to the new PostGIS table `table` in one transaction
  /// (`PostGISTableWriter`), with `comment`; a `.multiPolygon` column gets
  /// polygons as one-part multipolygons, since a typed column takes one type.
  /// - Throws: `GDALError`; the database is left as it was on failure.
  static func writeTable(
    _ table: PostGISTable, connection: String, policy: ExistingOutputPolicy,
    layerName: String, crs: CRS, geometryType: GeometryType, fields: [Field], comment: String?,
    count: Int, attributes: (Int) throws -> [FieldValue], geometry: (Int) throws -> Geometry?
  ) throws {
    let rows = try DatabaseRows(
      table, connection: connection, policy: policy, layerName: layerName, crs: crs,
      geometryType: geometryType, fields: fields)
    do {
      try rows.append(count: count, attributes: attributes, geometry: geometry)
      try rows.commit(comment: comment)
    } catch {
      rows.discard()
      throw error
    }
  }

  /// The rows of a new PostGIS table, appended batch after batch in one transaction.
  private final class DatabaseRows {
    let writer: PostGISTableWriter
    let layer: Int
    let geometryType: GeometryType
    var written: Int64 = 0

    init(
      _ table: PostGISTable, connection: String, policy: ExistingOutputPolicy,
      layerName: String, crs: CRS, geometryType: GeometryType, fields: [Field]
    ) throws {
      writer = try PostGISTableWriter(connection: connection, table: table, policy: policy)
      self.geometryType = geometryType
      do {
        layer = try writer.addLayer(
          name: layerName, geometryType: geometryType, hasZ: false, crs: crs, fields: fields)
      } catch {
        writer.discard()
        throw error
      }
    }

    func append(
      count: Int, attributes: (Int) throws -> [FieldValue], geometry: (Int) throws -> Geometry?
    ) throws {
      for index in 0..<count {
        var shape = try geometry(index)
        if geometryType == .multiPolygon, let part = shape, part.type == .polygon {
          shape = try Geometry.collection(.multiPolygon, of: [part])
        }
        written += 1
        try writer.write(
          Feature(id: written, attributes: attributes(index), geometry: shape), toLayer: layer)
      }
    }

    func commit(comment: String?) throws {
      writer.comment = comment
      try writer.commit()
    }

    func discard() { writer.discard() }
  }

  /// A batch of rows of an output: each row's attributes and geometry and,
  /// where the caller has a faster way, its CSV line written straight into the
  /// output bytes (as `CSVTableFile` would format its attributes).
  struct Batch {
    var count: Int
    var attributes: @Sendable (Int) -> [FieldValue]
    var geometry: (Int) throws -> Geometry?
    var csvLine: (@Sendable (Int, inout [UInt8]) -> Void)? = nil
  }

  /// Receives the rows of an output being written, batch after batch.
  final class BatchSink {
    private let body: (Batch) throws -> Void

    init(_ body: @escaping (Batch) throws -> Void) { self.body = body }

    /// Appends the rows of `batch`.
    func append(_ batch: Batch) throws { try body(batch) }
  }

  /// Creates the writer (and the metadata sidecar), writes the rows that
  /// `produce` hands over batch after batch, then the metadata, and commits both.
  /// CSV rows are formatted on `threads` threads (`CSVTableFile`); other formats go
  /// through GDAL with the geometry of each row.
  private static func write(
    path: String, databaseTable: PostGISTable?, policy: ExistingOutputPolicy, layerName: String,
    crs: CRS, geometryType: GeometryType, fields: [Field], metadata: (() -> AnalysisMetadata)?,
    threads: Int, produce: (BatchSink) throws -> Void
  ) throws {
    try checkDestination(path: path, databaseTable: databaseTable)
    if let databaseTable {
      let rows = try DatabaseRows(
        databaseTable, connection: path, policy: policy, layerName: layerName, crs: crs,
        geometryType: geometryType, fields: fields)
      do {
        try produce(
          BatchSink {
            try rows.append(count: $0.count, attributes: $0.attributes, geometry: $0.geometry)
          })
        try rows.commit(
          comment: try metadata.map { String(decoding: try $0().json(), as: UTF8.self) })
      } catch {
        rows.discard()
        throw error
      }
      return
    }
    let sidecar = try metadata.map { _ in
      try StagedOutput(path: AnalysisMetadata.sidecarPath(for: path), policy: policy)
    }
    if VectorFormat(path: path) == .csv {
      let table = try CSVTableFile(path: path, policy: policy, fields: fields)
      do {
        try produce(
          BatchSink { batch in
            if let line = batch.csvLine {
              try table.writeLines(count: batch.count, threads: threads, line)
            } else {
              try table.writeRows(count: batch.count, threads: threads, batch.attributes)
            }
          })
        if let sidecar, let metadata { try metadata().json().write(to: sidecar.stagingPath) }
        try table.commit()
        try sidecar?.commit()
      } catch {
        table.discard()
        sidecar?.discard()
        throw error
      }
      return
    }
    let writer = try VectorWriter(path: path, policy: policy)
    let outputCRS = writer.format.requiresWGS84 ? try CRS.wgs84 : crs
    let transformer =
      outputCRS.isEquivalent(to: crs) ? nil : try Transformer(from: crs, to: outputCRS)
    do {
      let layer = try writer.addLayer(
        name: layerName, geometryType: .unknown, crs: outputCRS, fields: fields)
      var written: Int64 = 0
      // GDAL writes on a thread of its own while the rows are computed and encoded.
      try writer.write(toLayer: layer, threaded: threads > 1) { send in
        try produce(
          BatchSink { batch in
            for index in 0..<batch.count {
              var shape = try batch.geometry(index)
              if let transformer, let projected = shape {
                shape = try transformer.transform(projected)
              }
              written += 1
              try send(Feature(id: written, attributes: batch.attributes(index), geometry: shape))
            }
          })
      }
      if let sidecar, let metadata = metadata?() {
        writer.setMetadata(metadata.gdalItems, layer: layer)
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
