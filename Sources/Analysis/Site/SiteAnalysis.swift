import Foundation
import GDALKit
import GEOSKit
import GeoCore
import PROJKit

/// The analysis stage of `territory analyze`: every scale of the site's ladder
/// with its indicators, the shifted placements of square grids, catchments,
/// footprint and the scale report, computed from a loaded site. It writes
/// nothing; `SiteOutputs` writes what it found, and the `analyze` tool of
/// TerritoryKit runs the whole job (check, load, analyse, export).
public enum SiteAnalysis {
  /// A scale once its table is written: what the maps, the layers' styles and
  /// the histograms of zonings still need of it. The rest of the table (its
  /// identifying and interpolated columns, its neighbours) is let go, so that
  /// a ladder of several fine grids holds one whole table at a time.
  public struct WrittenScale: Sendable {
    /// The scale's name.
    public var name: String
    /// Each row's geometry in the working CRS (for a grid, its cell keys).
    public var geometries: ScaleGeometries
    /// The indicators, in column order.
    public var indicators: [ScaleTable.Indicator]
    /// The columns asked for by `analyse`'s `keeping`, as numbers by field
    /// name (the counts that `analyses.change` maps at two dates).
    public var columns: [String: [Double?]]

    /// What remains of `table`, with the columns named in `kept`.
    public init(_ table: ScaleTable, keeping kept: Set<String> = []) {
      name = table.name
      geometries = table.geometries
      indicators = table.indicators
      var columns: [String: [Double?]] = [:]
      for (field, column) in zip(table.fields, table.columns) where kept.contains(field.name) {
        columns[field.name] = column.doubleValues
      }
      self.columns = columns
    }
  }

  /// What the analysis found, once every table is written.
  public struct Results {
    /// One per scale, in the manifest's order.
    public var scales: [WrittenScale]
    /// The scale report.
    public var report: ScaleReport
  }

  /// What a table handed to `analyse`'s `write` is.
  public enum TableRole: Sendable {
    /// One scale of the manifest's ladder.
    case scale
    /// Catchments or footprint.
    case extra
  }

  /// Analyses `site`, whose check found `check`, and hands each table to
  /// `write` as soon as it is made (and reported on): the scales in the
  /// manifest's order, then catchments and footprint. Only a `WrittenScale`
  /// of each scale is kept after that.
  /// - Parameters:
  ///   - keeping: fields whose columns the scales keep once written.
  ///   - progress: gets one line per step.
  ///   - write: writes a table (to the GeoPackage, GeoJSON, a database).
  /// - Throws: `AnalysisError`, `SiteError`, `GDALError`, `PROJError`,
  ///   `GEOSError`, and what `write` throws.
  public static func analyse(
    _ site: LoadedSite, check: SiteCheckReport, keeping: Set<String> = [],
    progress: (String) -> Void = { _ in }, write: (ScaleTable, TableRole) throws -> Void
  ) throws -> Results {
    let manifest = site.manifest
    var report = ScaleReport(manifest: manifest, check: check, repairedUnits: site.repairedUnits)
    var scales: [WrittenScale] = []
    var zoningBasis: ZoningBasis?
    for (index, scale) in manifest.scales.enumerated() {
      do {
        // The other placements keep only their statistics, and are made before
        // the scale's own table: a table of a million cells is a few hundred
        // megabytes, and one alive beside a placement being made was the job's
        // peak.
        var placements: [[ScaleStatistics]] = []
        if case .grid(false, let cell) = scale.kind {
          for shift in [SIMD2(cell / 2, 0), SIMD2(0, cell / 2), SIMD2(cell / 2, cell / 2)] {
            placements.append(try site.placementStatistics(for: scale, shift: shift))
          }
        }
        let table = try site.table(for: scale)
        progress(
          "[\(index + 1)/\(manifest.scales.count)] \(scale.name): \(table.rows.count) targets")
        for note in table.notes { progress("  \(scale.name): \(note)") }
        report.add(scale: scale, table: table, shifted: placements)
        if scale.randomZonings > 0, zoningBasis == nil { zoningBasis = try site.zoningBasis() }
        if let zoningBasis,
          let effect = site.zoningEffect(scale: scale, table: table, basis: zoningBasis)
        {
          progress(
            "  \(scale.name): \(effect.zonings) random zonings of \(effect.units) units into \(effect.zones) zones"
          )
          report.zoningEffects.append(effect)
        }
        try write(table, .scale)
        scales.append(WrittenScale(table, keeping: keeping))
      }
      // The table is gone; its pages (and those freed on the workers' arenas)
      // are given back before the next scale is made.
      FreedMemory.release()
    }
    if let spec = manifest.analyses.catchments, let table = try site.catchments(spec) {
      progress(
        "catchments: \(table.rows.count) \(spec.network == nil ? "buffers" : "areas along the streets")"
      )
      report.addExtra(name: "catchments", table: table)
      try write(table, .extra)
    }
    if let spec = manifest.analyses.footprint, let table = try site.footprint(spec) {
      progress("urban footprint: \(table.rows.count) pieces")
      report.addExtra(name: "footprint", table: table)
      try write(table, .extra)
    }
    return Results(scales: scales, report: report)
  }
}

/// The site check found errors: the analysis does not run.
public struct SiteCheckFailure: Error, Sendable, CustomStringConvertible {
  /// What the check found.
  public var report: SiteCheckReport

  /// The failure of a check that found `report`.
  public init(report: SiteCheckReport) { self.report = report }
  /// One line for the user: the site, how many errors, the first, and how to see them all.
  public var description: String {
    let errors = report.problems.filter { $0.severity == "error" }
    let first =
      errors.first.map { ($0.layer.isEmpty ? "" : "layer \($0.layer): ") + $0.message } ?? ""
    return
      "site '\(report.site)' is not usable (\(errors.count) error\(errors.count == 1 ? "" : "s")); first: \(first); run 'territory site check' for all"
  }
}

/// What the analysis writes into its output folder: `analysis.gpkg` (one layer
/// per scale, then catchments and footprint, and the layers' QGIS styles),
/// `report.md`, `report.json` and `manifest.lock.json`; and the same into a
/// database schema.
public enum SiteOutputs {
  /// Writes the scale report and the lock of `manifest`'s analysis into
  /// `folder`: `report.md`, `report.json` and `manifest.lock.json`.
  /// - Returns: the names of the files written.
  /// - Throws: errors encoding or writing the reports.
  public static func writeReports(_ report: ScaleReport, manifest: SiteManifest, to folder: URL)
    throws -> [String]
  {
    try report.markdown().write(
      to: folder.appendingPathComponent("report.md"), atomically: false, encoding: .utf8)
    try report.json().write(to: folder.appendingPathComponent("report.json"))
    try lock(manifest: manifest).write(to: folder.appendingPathComponent("manifest.lock.json"))
    return ["report.md", "report.json", "manifest.lock.json"]
  }

  /// Writes the scale report of `manifest`'s analysis as tables
  /// (`ReportTables`) through `writer`, after the scales' tables; the caller
  /// commits.
  /// - Throws: `GDALError` from the writer, and errors encoding the reports.
  public static func writeReportTables(
    _ report: ScaleReport, manifest: SiteManifest, to writer: some FeatureWriting
  ) throws {
    try ReportTables.write(report, lock: lock(manifest: manifest), to: writer)
  }

  /// Adds `table` as a layer of `writer` (a GeoPackage, a database schema),
  /// its rows put together one at a time from its columns, in `crs`.
  /// - Throws: `GDALError` from the writer.
  public static func add(_ table: ScaleTable, to writer: some FeatureWriting, crs: CRS) throws {
    let layer = try writer.addLayer(
      name: table.name, geometryType: .unknown, hasZ: false, crs: crs, fields: table.fields)
    for (index, row) in table.rows.enumerated() {
      try writer.write(
        Feature(
          id: Int64(index + 1), attributes: row, geometry: try table.geometries.geometry(at: index)),
        toLayer: layer)
    }
  }

  /// The resolved manifest, the inputs' checksums and the tools' versions.
  static func lock(manifest: SiteManifest) throws -> Data {
    let formatter = ISO8601DateFormatter()
    let inputs: [[String: Any]] = try manifest.layers.map { layer in
      let path = LoadedSite.path(of: layer, in: manifest)
      if PostgreSQLConnection.isConnection(path) {
        let facts = try PostGISTableFacts(connection: path, layer: layer.layer)
        return [
          "layer": layer.key, "path": PostgreSQLConnection.masked(layer.path),
          "table": facts.table, "rows": facts.rows, "content-md5": facts.contentChecksum,
          "postgresql": facts.serverVersion, "postgis": facts.postGISVersion,
        ]
      }
      let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
      return [
        "layer": layer.key, "path": layer.path, "bytes": size,
        "sha256": Checksum.sha256(file: path) ?? "unreadable",
      ]
    }
    let layers: [[String: Any]] = manifest.layers.map { layer in
      var entry: [String: Any] = [
        "key": layer.key, "path": PostgreSQLConnection.masked(layer.path),
        "role": layer.role.rawValue,
      ]
      if let name = layer.layer { entry["layer"] = name }
      if let crs = layer.crs { entry["crs"] = crs }
      if let id = layer.id { entry["id"] = id }
      if let date = layer.date { entry["date"] = date }
      if let profile = layer.profile { entry["profile"] = profile.rawValue }
      if let speed = layer.speed { entry["speed"] = speed }
      entry["variables"] = layer.variables.map {
        ["name": $0.name, "kind": $0.kind.rawValue, "band": $0.band]
      }
      return entry
    }
    let scales: [[String: Any]] = manifest.scales.map { scale in
      var entry: [String: Any] = ["name": scale.name]
      switch scale.kind {
      case .grid(let hexagonal, let cell): entry[hexagonal ? "hex" : "grid"] = cell
      case .units(let layer): entry["units"] = layer
      case .dissolve(let layer, let field):
        entry["dissolve"] = layer
        if let field { entry["by"] = field }
      case .zones(let layer): entry["zones"] = layer
      }
      if scale.randomZonings > 0 { entry["zoning_effect"] = ["random": scale.randomZonings] }
      return entry
    }
    let analyses = manifest.analyses
    var resolvedAnalyses: [String: Any] = ["densities": analyses.densities]
    resolvedAnalyses["zonal"] =
      analyses.zonal ?? manifest.layers.filter { $0.role == .raster }.map(\.key)
    resolvedAnalyses["points"] =
      analyses.points ?? manifest.layers.filter { $0.role == .points }.map(\.key)
    if let c = analyses.catchments {
      resolvedAnalyses["catchments"] =
        c.network.map {
          [
            "points": c.points, "network": $0, "minutes": c.minutes, "buffer": c.buffer,
            "units": c.units,
          ]
        } ?? ["points": c.points, "radii": c.radii, "units": c.units]
    }
    if let f = analyses.footprint {
      resolvedAnalyses["footprint"] = [
        "layer": f.layer, "where": "\(f.field) = \(f.value)", "close": f.close,
      ]
    }
    if let c = analyses.change {
      resolvedAnalyses["change"] = [
        "before": c.before,
        "variables": Dictionary(uniqueKeysWithValues: c.pairs.map { ($0.name, $0.before) }),
      ]
    }
    var lock: [String: Any] = [
      "generated": formatter.string(from: Date()),
      "tools": [
        "territory": GeoCoreVersion.string, "gdal": GDALLibrary.version,
        "proj": PROJLibrary.version,
        "geos": GEOSLibrary.version,
      ],
      "manifest": [
        "name": manifest.name, "title": manifest.titles, "languages": manifest.languages,
        "crs": manifest.crs,
        "allow-outside": manifest.allowOutside, "layers": layers, "scales": scales,
        "analyses": resolvedAnalyses,
      ],
      "inputs": inputs,
      // Where the site was: layer paths are relative to it (`territory web`
      // finds the elevation model there).
      "folder": URL(fileURLWithPath: manifest.folder).standardizedFileURL.path,
    ]
    if let mapCRS = manifest.mapCRS, var described = lock["manifest"] as? [String: Any] {
      described["map-crs"] = mapCRS
      lock["manifest"] = described
    }
    return try JSONSerialization.data(
      withJSONObject: lock, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
  }
}
