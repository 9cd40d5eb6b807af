import Foundation

/// What `Tools.tiles(_:)` is to make: vector tiles of one or more vector
/// layers, or PNG tiles of one raster.
public struct TilesJob: Sendable {
  /// The inputs: vector files, or one raster.
  public var inputs: [String]
  /// The tileset: `NAME.pmtiles`, `NAME.mbtiles`, or a folder of `z/x/y` tiles.
  public var output: String
  /// The layer read from each vector input (the first when `nil`).
  public var sourceLayer: String?
  /// The MVT layer names, one per input (none: each source layer's name).
  public var names: [String] = []
  /// Zooms, simplification, buffer, tile limits and worker threads.
  public var vector = VectorTileOptions()
  /// The attributes kept in vector tiles.
  public var fields = TileLayerLoader.FieldSelection.all
  /// Whether the highest zoom is guessed from the features' spacing (vector tiles).
  public var guessMaxZoom = false
  /// How a raster is coloured (`nil`: its colour table, else the terrain ramp).
  public var rasterStyle: RasterTileJob.Colouring?
  /// The most raster tiles allowed.
  public var maximumTiles = RasterTileJob.defaultMaximumTiles
  /// The CRS of inputs that declare none.
  public var assumedCRS: CRS?
  /// Whether an existing output may be replaced.
  public var policy = ExistingOutputPolicy.refuse

  /// A tileset of `inputs` written to `output`.
  public init(inputs: [String], output: String) {
    self.inputs = inputs
    self.output = output
  }

  /// The one raster input, when the inputs are one raster; `nil` for vector inputs.
  /// - Throws: `TilesError.mixedInputs` for a raster among several inputs.
  public func rasterInput() throws(TilesError) -> String? {
    for path in inputs where RasterDataset.opensAsRasterOnly(path) {
      guard inputs.count == 1 else { throw .mixedInputs(path: path) }
      return path
    }
    return nil
  }
}

/// What `Tools.tiles(_:)` made.
public enum TilesResult: Sendable {
  /// Vector tiles: per layer and per zoom.
  case vector(VectorTileJob.Summary)
  /// PNG tiles of a raster, per zoom.
  case raster([ZoomReport])
}

extension Tools {
  /// `territory tiles`: vector tiles (MVT) of vector layers or PNG tiles of a
  /// raster, as PMTiles, MBTiles or a `z/x/y` folder. `vectorZoom` and
  /// `rasterZoom` get each zoom's report as soon as it is done.
  /// - Throws: `TilesError`, `StyleError`, `GDALError`, `PROJError`, `OutputError`.
  public static func tiles(
    _ job: TilesJob, vectorZoom: (ZoomReport) -> Void = { _ in },
    rasterZoom: (ZoomReport) -> Void = { _ in }
  ) throws -> TilesResult {
    if let raster = try job.rasterInput() {
      return .raster(
        try RasterTileJob.run(
          input: raster, output: job.output, minZoom: job.vector.minZoom,
          maxZoom: job.vector.maxZoom, style: job.rasterStyle, assumedCRS: job.assumedCRS,
          policy: job.policy, maximumTiles: job.maximumTiles, threads: job.vector.threads,
          progress: rasterZoom))
    }
    guard job.names.isEmpty || job.names.count == job.inputs.count else {
      throw TilesError.layerNames(names: job.names.count, inputs: job.inputs.count)
    }
    let inputs = try job.inputs.enumerated().map { index, path in
      var layer = job.sourceLayer
      var name = job.names.isEmpty ? nil : job.names[index]
      // A database input is named by its table: -l schema.table reads that
      // table into an MVT layer named after the table alone.
      if PostgreSQLConnection.isConnection(path), layer == nil {
        guard let table = name else { throw TilesError.tableNeeded(connection: path) }
        layer = table
        name = table.split(separator: ".", maxSplits: 1).last.map(String.init) ?? table
      }
      return VectorTileJob.Input(path: path, layer: layer, name: name)
    }
    return .vector(
      try VectorTileJob.run(
        inputs: inputs, output: job.output, options: job.vector, fields: job.fields,
        assumedCRS: job.assumedCRS, guessMaxZoom: job.guessMaxZoom, policy: job.policy,
        progress: vectorZoom))
  }
}
