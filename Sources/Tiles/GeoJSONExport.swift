import Dispatch
import GDALKit
import GEOSKit
import GeoCore
import PROJKit
import Synchronization

/// `territory convert IN out.geojson`: one layer of any format and CRS to RFC 7946
/// GeoJSON with `GeoJSONWriter`, streaming, every feature and attribute kept.
///
/// Features go in batches: read (GDAL), coordinates projected in one PROJ call per
/// batch, then checked and written as text on every core, and appended in order.
/// Memory holds one batch, whatever the layer's size.
public enum GeoJSONExport {
  /// Features per batch.
  static let batchSize = 4096

  /// Exports `layer` (the only layer when `nil`) of `input` to `output`.
  /// - Parameters:
  ///   - sourceCRS: a CRS to assume for the input instead of the file's.
  ///   - makeValid: repair invalid geometries (GEOS make-valid).
  ///   - decimals: coordinate decimals; `boundingBoxes`: write `bbox` members.
  ///   - threads: threads that encode features (every core by default).
  ///   - progress: shows the features written while the export runs.
  /// - Returns: the conversion report (one layer).
  /// - Throws: `GDALError`, `ConversionError`, `PROJError`, `GEOSError`, `OutputError`.
  public static func run(
    input: String, output: String, layer name: String?, sourceCRS: CRS?, makeValid: Bool,
    decimals: Int,
    boundingBoxes: Bool, policy: ExistingOutputPolicy, threads: Int = ParallelChunks.defaultThreads,
    progress: (any ProgressDisplay)? = nil
  ) throws -> ConversionReport {
    let opened = try LayerSource(path: input, layer: name, assumedCRS: sourceCRS).open()
    if name == nil && opened.layerNames.count > 1 {
      throw GDALError.singleLayerFormat(path: output, format: "GeoJSON", layers: opened.layerNames)
    }
    let layer = opened.layer
    if layer.isEmpty {
      throw GDALError.emptyLayer(path: input, layer: layer.name)
    }
    let transformer = try opened.transformer(to: CRS.wgs84)
    let names = layer.fields.map(\.name)
    let writer = try GeoJSONWriter(
      path: output, decimals: decimals, boundingBoxes: boundingBoxes, policy: policy)
    var entry = ConversionReport.Layer(name: layer.name)
    entry.warnings = layer.integrityWarnings
    entry.crs = try CRS.wgs84
    entry.geometryType = layer.geometryType
    // The count only where the format stores it: counting by reading would
    // read the layer twice.
    let step = StepProgress(
      step: "writing \(output)", total: layer.featureCount(force: false) ?? 0, unit: "features")
    progress?.begin(step)
    defer { progress?.end(step) }
    do {
      let reader = layer.makeReader()
      var pending: PendingBatch?
      var rounding = RoundingReport()
      while true {
        // A new buffer for every batch: the last one went to the background
        // encoding (see WritingThread.flush on emptying a handed-over buffer).
        var batch: [Feature] = []
        batch.reserveCapacity(batchSize)
        while batch.count < batchSize, let feature = try reader.next() { batch.append(feature) }
        if batch.isEmpty { break }
        entry.read += batch.count
        step.advance(by: batch.count)
        for index in batch.indices {
          guard let geometry = batch[index].geometry else {
            entry.nullGeometries += 1
            continue
          }
          if makeValid, !geometry.isValid {
            entry.invalid += 1
            if entry.firstInvalidIDs.count < 5 { entry.firstInvalidIDs.append(batch[index].id) }
            var repaired = try geometry.makeValid()
            if layer.geometryType.isPolygonal { repaired = try repaired.polygonalPart() }
            batch[index].geometry = repaired
            entry.repaired += 1
          }
        }
        let shapes: [GeoShape?]
        do {
          shapes = try GeoShape.lonLat(batch.map(\.geometry), transformer)
        } catch let error as OutsideGlobe {
          throw TilesError.outsideGlobe(
            path: input, layer: layer.name, feature: batch[error.index].id,
            longitude: error.coordinate.x, latitude: error.coordinate.y)
        }
        // Encode this batch in the background while the next one is read.
        try drain(&pending, writer, &entry, &rounding)
        let job = PendingBatch(ids: batch.map(\.id))
        let work = Encoding(batch: batch, shapes: shapes)
        let options = (names, decimals, boundingBoxes, !makeValid)
        job.group.enter()
        DispatchQueue.global().async {
          job.results = encode(
            work.batch, work.shapes, names: options.0, decimals: options.1, boxes: options.2,
            checkValidity: options.3, threads: threads)
          job.group.leave()
        }
        pending = job
      }
      try drain(&pending, writer, &entry, &rounding)
      if !rounding.isEmpty { entry.warnings.append(rounding.summary(decimals: decimals)) }
      if reader.droppedRings > 0 { entry.warnings.append(droppedRingsWarning(reader.droppedRings)) }
      if entry.geometryType == .unknown, reader.geometryTypes.count == 1,
        let seen = reader.geometryTypes.first
      {
        entry.geometryType = seen
      }
      try writer.commit()
    } catch {
      writer.discard()
      throw error
    }
    var report = ConversionReport(path: output, format: .geoJSON)
    report.layers = [entry]
    return report
  }

  /// A batch being encoded on other threads.
  private final class PendingBatch: @unchecked Sendable {
    // `results` is written by the encoding job before `group.leave()` and read
    // after `group.wait()`.
    let group = DispatchGroup()
    let ids: [Int64]
    var results: [Encoded] = []
    init(ids: [Int64]) { self.ids = ids }
  }

  /// A batch handed to the encoding job; only that job touches it afterwards.
  private struct Encoding: @unchecked Sendable {
    let batch: [Feature]
    let shapes: [GeoShape?]
  }

  /// Waits for the batch being encoded, if any, and writes it.
  private static func drain(
    _ pending: inout PendingBatch?, _ writer: GeoJSONWriter, _ entry: inout ConversionReport.Layer,
    _ rounding: inout RoundingReport
  ) throws {
    guard let job = pending else { return }
    pending = nil
    job.group.wait()
    for (index, item) in job.results.enumerated() {
      if item.invalid {
        entry.invalid += 1
        if entry.firstInvalidIDs.count < 5 { entry.firstInvalidIDs.append(job.ids[index]) }
      }
      rounding.add(item.text.rounding)
      try writer.write(encoded: item.text.bytes, box: item.text.box)
      entry.written += 1
    }
  }

  private struct Encoded: Sendable {
    var text: GeoJSONWriter.Encoded
    var invalid = false
  }

  /// The features' JSON on every core; validity (GEOS) checked on the way.
  private static func encode(
    _ batch: [Feature], _ shapes: [GeoShape?], names: [String], decimals: Int, boxes: Bool,
    checkValidity: Bool, threads: Int
  ) -> [Encoded] {
    struct Shared: @unchecked Sendable {
      // Each feature and shape is read by exactly one thread.
      let batch: [Feature]
      let shapes: [GeoShape?]
    }
    let shared = Shared(batch: batch, shapes: shapes)
    return ParallelChunks.map(count: batch.count, threads: threads, rangesPerThread: 4) { range in
      var local: [Encoded] = []
      local.reserveCapacity(range.count)
      for index in range {
        let feature = shared.batch[index]
        let invalid = checkValidity && feature.geometry.map { !$0.isValid } == true
        let text = GeoJSONWriter.encode(
          names: names, values: feature.attributes, shape: shared.shapes[index],
          decimals: decimals, boundingBox: boxes, wasValid: !invalid)
        local.append(Encoded(text: text, invalid: invalid))
      }
      return local
    }.flatMap { $0 }
  }
}
