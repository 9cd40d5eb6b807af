import GDALKit
import GEOSKit
import GeoCore
import PROJKit

/// A whole zonal-statistics run, as `territory zonal` does it.
public struct ZonalJob: Sendable {
  /// The raster.
  public var raster: String
  /// The band (1-based).
  public var band = 1
  /// The zones file and layer (first layer when `nil`).
  public var zones: String
  /// The zones' layer (first layer when `nil`).
  public var layer: String?
  /// A CRS to assume for the zones instead of the one their file declares.
  public var zonesCRS: CRS?
  /// The statistics, in output order.
  public var statistics: [ZonalStatistic] = [.count, .min, .max, .mean, .sum, .std]
  /// Which pixels belong to a zone.
  public var rule = PixelRule.centre
  /// The output file, or a `PG:` connection with `outputTable`.
  public var output: String
  /// The table to write when `output` is a `PG:` connection (in the zones'
  /// CRS, the run's details as the table's comment).
  public var outputTable: PostGISTable?
  /// Whether an existing output may be replaced.
  public var policy = ExistingOutputPolicy.refuse
  /// The most threads to compute with (each reads through a dataset of its own).
  public var threads = ParallelChunks.defaultThreads
  /// The most bytes GDAL's block cache may hold during the run (unless
  /// `GDAL_CACHEMAX` says otherwise): zones visited along a Hilbert curve reuse
  /// the blocks just read, so a small cache serves a country's raster.
  public static let blockCacheBytes = 256 << 20

  /// Creates a job.
  public init(raster: String, zones: String, output: String) {
    self.raster = raster
    self.zones = zones
    self.output = output
  }

  /// Runs the job and returns the statistics of every zone, in input order.
  /// - Throws: `GDALError`, `AnalysisError`, `PROJError`, `GEOSError`, `OutputError`.
  public func run() throws -> [ZoneStatistics] {
    try TableWriter.checkDestination(path: output, databaseTable: outputTable)
    RasterDataset.limitBlockCache(toBytes: Self.blockCacheBytes)
    let rasterDataset = try RasterDataset(path: raster)
    guard let rasterCRS = rasterDataset.crs else {
      throw GDALError.rasterAccess(
        path: raster, detail: "the raster declares no CRS; assign one first (gdal_edit.py -a_srs)")
    }
    if band < 1 || band > rasterDataset.bandCount {
      throw AnalysisError.bandNotFound(path: raster, band: band, count: rasterDataset.bandCount)
    }
    let source = try LayerSource(path: zones, layer: layer, assumedCRS: zonesCRS).open()
    try source.requirePolygons()
    let transformer = try source.transformer(to: rasterCRS)
    var attributes: [[FieldValue]] = []
    var geometries: [Geometry?] = []
    var polygons: [[PolygonRings]] = []
    // A CSV output has no geometry: the zones' own are then not kept.
    let keepsGeometries = outputTable != nil || VectorFormat(path: output) != .csv
    try source.forEachFeature { feature in
      attributes.append(feature.attributes)
      geometries.append(keepsGeometries ? feature.geometry : nil)
      guard var geometry = feature.geometry, !geometry.isEmpty else {
        polygons.append([])
        return
      }
      if let transformer {
        geometry = try transformer.transform(geometry)
      }
      if !geometry.isValid { geometry = try geometry.makeValid() }
      polygons.append(try geometry.polygonalPart().polygonRings().map(PolygonRings.init(rings:)))
    }
    if attributes.isEmpty { throw GDALError.emptyLayer(path: zones, layer: source.name) }
    let results = try ZonalStatistics.compute(
      raster: rasterDataset, band: band, zones: polygons, rule: rule,
      majority: statistics.contains(.majority), threads: threads)
    try write(
      source: source.layer, crs: try source.requireCRS(), attributes: attributes,
      geometries: geometries, results: results)
    return results
  }

  private func write(
    source: VectorLayer, crs: CRS, attributes: [[FieldValue]], geometries: [Geometry?],
    results: [ZoneStatistics]
  ) throws {
    var names = Set(source.fields.map(\.name))
    let statisticFields = statistics.map { statistic -> Field in
      var name = statistic.rawValue
      while names.contains(name) { name += "_z" }
      names.insert(name)
      return Field(name: name, type: .real)
    }
    let details = [
      "TERRITORY_OPERATION": "zonal", "TERRITORY_RASTER": raster,
      "TERRITORY_RULE": rule.rawValue,
    ]
    if let outputTable {
      // Zones as multipolygons in their CRS; the details as the table's comment.
      try TableWriter.writeTable(
        outputTable, connection: output, policy: policy, layerName: source.name, crs: crs,
        geometryType: source.geometryType.isPolygonal ? .multiPolygon : source.geometryType,
        fields: source.fields + statisticFields,
        comment: details.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
          .joined(separator: "\n"),
        count: results.count,
        attributes: { position in
          attributes[position]
            + statistics.map { results[position].value($0).map(FieldValue.real) ?? .null }
        },
        geometry: { geometries[$0] })
      return
    }
    let writer = try VectorWriter(path: output, policy: policy)
    do {
      let withGeometry = writer.format != .csv
      let outputCRS = writer.format.requiresWGS84 ? try CRS.wgs84 : crs
      let transformer =
        outputCRS.isEquivalent(to: crs) ? nil : try Transformer(from: crs, to: outputCRS)
      let index = try writer.addLayer(
        name: source.name, geometryType: withGeometry ? source.geometryType : .none,
        crs: withGeometry ? outputCRS : nil, fields: source.fields + statisticFields)
      writer.setMetadata(details, layer: index)
      for (position, result) in results.enumerated() {
        var geometry = withGeometry ? geometries[position] : nil
        if let transformer, let original = geometry {
          geometry = try transformer.transform(original)
        }
        let values = statistics.map { result.value($0).map(FieldValue.real) ?? .null }
        try writer.write(
          Feature(
            id: Int64(position + 1), attributes: attributes[position] + values, geometry: geometry),
          toLayer: index)
      }
      try writer.commit()
    } catch {
      writer.discard()
      throw error
    }
  }
}
