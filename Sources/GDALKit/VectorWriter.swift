internal import CGDAL
import GEOSKit
import GeoCore
import PROJKit
import SQLiteKit

/// Writes vector layers to a new file, atomically: the file is built in a hidden
/// staging folder beside the target and moved into place by `commit()`. If the
/// writer is dropped or `discard()`ed before, nothing is left behind.
///
/// Not `Sendable`; write from one thread.
public final class VectorWriter {
  private var handle: GDALDatasetH?
  private let output: StagedOutput
  private var layers: [(handle: OGRLayerH, fieldCount: Int, name: String)] = []
  private var inTransaction = false
  private var pendingInTransaction = 0
  /// The format being written.
  public let format: VectorFormat
  /// Decimals kept in GeoJSON coordinates.
  public let decimals: Int

  /// Creates the output dataset (`GDALCreate` with the format's driver).
  /// - Parameters:
  ///   - path: the final path; its extension picks the format unless `format` is given.
  ///   - format: the format, when it cannot be read from the extension.
  ///   - policy: whether an existing file may be replaced.
  ///   - decimals: decimals of GeoJSON coordinates (7, about 1 cm, by default).
  /// - Throws: `GDALError.unsupportedOutputFormat`, `OutputError` (exists, missing
  ///   folder), `GDALError.writeFailed` with GDAL's message.
  public init(
    path: String, format: VectorFormat? = nil, policy: ExistingOutputPolicy, decimals: Int = 7
  ) throws {
    _ = gdalRegistration
    guard let format = format ?? VectorFormat(path: path), format != .postGIS else {
      throw GDALError.unsupportedOutputFormat(path: path, supported: VectorFormat.extensions)
    }
    self.format = format
    self.decimals = decimals
    output = try StagedOutput(path: path, policy: policy)
    let stagingPath = output.stagingPath.path
    let (created, messages) = withGDALMessages {
      GDALCreate(GDALGetDriverByName(format.driverName), stagingPath, 0, 0, 0, GDT_Unknown, nil)
    }
    guard let created else { throw GDALError.writeFailed(path: path, detail: messages.summary) }
    handle = created
  }

  deinit { if let handle { GDALClose(handle) } }

  /// The final path of the output.
  public var path: String { output.target.path }

  /// Adds a layer and returns its index for `write(_:toLayer:)`.
  /// - Parameters:
  ///   - name: the layer name (the file name decides it for single-layer formats).
  ///   - geometryType: the declared geometry type.
  ///   - hasZ: whether geometries carry Z.
  ///   - crs: the CRS of the coordinates; must be WGS 84 for GeoJSON.
  ///   - fields: the attribute fields, in the order of `Feature.attributes`.
  /// - Throws: `GDALError.singleLayerFormat` for a second layer in a one-layer
  ///   format, `.writeFailed` with GDAL's message.
  public func addLayer(
    name: String, geometryType: GeometryType, hasZ: Bool = false, crs: CRS?, fields: [Field]
  ) throws(GDALError) -> Int {
    try addLayer(
      name: name, geometryType: geometryType, hasZ: hasZ, crs: crs, fields: fields, options: [])
  }

  /// `addLayer(name:geometryType:hasZ:crs:fields:)` with layer creation options
  /// of the driver beyond the format's own (`FID=id`).
  func addLayer(
    name: String, geometryType: GeometryType, hasZ: Bool, crs: CRS?, fields: [Field],
    options extra: [String]
  ) throws(GDALError) -> Int {
    guard let handle else { throw .writeFailed(path: path, detail: "the writer is closed") }
    if !layers.isEmpty && !format.holdsManyLayers {
      throw .singleLayerFormat(
        path: path, format: format.rawValue, layers: layers.map(\.name) + [name])
    }
    endTransaction()
    let reference = crs.flatMap(SpatialReference.make)
    defer { if let reference { OSRRelease(reference) } }
    let type = OGRGeometryKind.ogr(geometryType, hasZ: hasZ)
    let (created, messages) = withGDALMessages {
      withOptionList(format.layerOptions(decimals: decimals) + extra) { options in
        GDALDatasetCreateLayer(handle, name, reference, type, options)
      }
    }
    guard let created else { throw .writeFailed(path: path, detail: messages.summary) }
    try createOGRFields(fields, in: created, path: path)
    layers.append((created, fields.count, name))
    return layers.count - 1
  }

  /// Writes one feature (attributes in the layer's field order) to layer `index`.
  /// - Throws: `GDALError.writeFailed` with GDAL's message.
  public func write(_ feature: Feature, toLayer index: Int) throws(GDALError) {
    try write(EncodedFeature(feature, path: path), toLayer: index)
  }

  /// Writes the features that `produce` hands to `send`, in order, to layer
  /// `index`: with `threaded`, GDAL writes them on a thread of its own
  /// (`WritingThread`) while `produce` goes on making the next ones; each
  /// feature's geometry is encoded on the calling thread. Use no other method
  /// of the writer until this returns.
  /// - Throws: what `produce` throws, or `GDALError.writeFailed` with GDAL's message.
  public func write(
    toLayer index: Int, threaded: Bool,
    _ produce: (_ send: @escaping (Feature) throws -> Void) throws -> Void
  ) throws {
    let writing = WritingThread<EncodedFeature>(threaded: threaded) { [self] encoded in
      try write(encoded, toLayer: index)
    }
    let path = self.path
    do {
      try produce { feature in try writing.send(EncodedFeature(feature, path: path)) }
      try writing.finish()
    } catch {
      writing.cancel()
      throw error
    }
  }

  /// Writes one encoded feature to layer `index` (from the writing thread of a copy).
  func write(_ feature: EncodedFeature, toLayer index: Int) throws(GDALError) {
    let layer = layers[index]
    precondition(feature.attributes.count == layer.fieldCount, "one value per declared field")
    beginTransactionIfNeeded()
    try createOGRFeature(feature, in: layer.handle, path: path)
    pendingInTransaction += 1
    if pendingInTransaction >= 100_000 { endTransaction() }
  }

  /// Stores `items` as metadata of layer `index` (`GDALSetMetadataItem`); GeoPackage
  /// keeps them in its `gpkg_metadata` table, other formats may ignore them.
  public func setMetadata(_ items: [String: String], layer index: Int) {
    let layer = UnsafeMutableRawPointer(layers[index].handle)
    for (key, value) in items.sorted(by: { $0.key < $1.key }) {
      _ = withGDALMessages { GDALSetMetadataItem(layer, key, value, nil) }
    }
  }

  /// Closes the dataset, adds a GeoPackage's spatial indexes, and moves the
  /// output into place.
  ///
  /// GeoPackage layers are created without GDAL's spatial index and indexed
  /// here in one pass (`GeoPackageSpatialIndex`): GDAL 3.6 inserts each row into
  /// the R-tree on its own, which took 55% of the time of writing a grid.
  /// - Throws: `GDALError.writeFailed` when GDAL reports an error while flushing
  ///   or the index cannot be built, `OutputError` when the file cannot be
  ///   moved; nothing is left behind.
  public func commit() throws {
    guard let handle else { return }
    endTransaction()
    self.handle = nil
    let (_, messages) = withGDALMessages { GDALClose(handle) }
    guard messages.errors.isEmpty else {
      output.discard()
      throw GDALError.writeFailed(path: path, detail: messages.summary)
    }
    if format == .geoPackage {
      do {
        try GeoPackageSpatialIndex.addMissing(toGeoPackageAt: output.stagingPath.path)
      } catch {
        output.discard()
        throw GDALError.writeFailed(path: path, detail: "spatial index: \(error)")
      }
    }
    try output.commit()
  }

  /// Abandons the output: closes the dataset and removes what was written.
  public func discard() {
    if let handle { GDALClose(handle) }
    handle = nil
    output.discard()
  }

  // Batching many features in one transaction makes GeoPackage writes fast;
  // formats without transactions return an error here, which is fine.
  private func beginTransactionIfNeeded() {
    guard !inTransaction, let handle, format == .geoPackage else { return }
    inTransaction = GDALDatasetStartTransaction(handle, 0) == OGRERR_NONE
    pendingInTransaction = 0
  }

  private func endTransaction() {
    guard inTransaction, let handle else { return }
    GDALDatasetCommitTransaction(handle)
    inTransaction = false
    pendingInTransaction = 0
  }
}
