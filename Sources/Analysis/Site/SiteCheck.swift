import Foundation
import GDALKit
import GEOSKit
import GeoCore
import PROJKit

/// What `territory site check` found about a site: one entry per layer and the
/// problems, errors (the site cannot be analysed) and warnings (it can, but look).
public struct SiteCheckReport: Sendable, Codable {
  /// A problem found.
  public struct Problem: Sendable, Codable, Equatable {
    /// `error` (the site cannot be analysed) or `warning`.
    public var severity: String
    /// The layer's key, empty for the whole site.
    public var layer: String
    /// What is wrong and what to do.
    public var message: String
  }

  /// What was found about one layer.
  public struct Layer: Sendable, Codable {
    /// The layer's key in the manifest.
    public var key: String
    /// Its path, as the manifest gives it.
    public var path: String
    /// Its role.
    public var role: String
    /// Whether the file exists.
    public var found = false
    /// GDAL's driver.
    public var driver: String?
    /// Features, for vector layers.
    public var features: Int?
    /// The CRS used (declared or the file's).
    public var crs: String?
    /// Invalid geometries found.
    public var invalidGeometries: Int?
    /// Their first ids.
    public var firstInvalidIDs: [Int64]?
    /// Whether make-valid repairs all of them.
    public var makeValidRepairs: Bool?
    /// Totals of the extensive variables.
    public var totals: [String: Double]?
    /// Points that cannot be placed in the working CRS (outside its area of use).
    public var unplaceablePoints: Int?
  }

  /// The site's name.
  public var site: String
  /// The working CRS.
  public var crs: String
  /// One entry per layer.
  public var layers: [Layer]
  /// Errors and warnings.
  public var problems: [Problem]
  /// The cells and memory of each grid scale.
  public var scales: [ScaleEstimate] = []
  /// Whether `territory analyze` can run: no errors.
  public var usable: Bool { !problems.contains { $0.severity == "error" } }
}

/// Loads every layer of a site and reports what needs attention.
public enum SiteCheck {
  /// Checks `manifest`'s layers.
  public static func run(_ manifest: SiteManifest) -> SiteCheckReport {
    read(manifest).report
  }

  /// Checks `manifest`'s layers and keeps what it read of those the analysis
  /// uses (`SiteLayers`), so that `analyze` reads each layer once.
  public static func read(_ manifest: SiteManifest) -> (report: SiteCheckReport, layers: SiteLayers)
  {
    let layers = SiteLayers()
    var report = SiteCheckReport(site: manifest.name, crs: manifest.crs, layers: [], problems: [])
    func problem(_ severity: String, _ layer: String, _ message: String) {
      // A layer's path may be a connection with a password in it.
      report.problems.append(
        .init(severity: severity, layer: layer, message: PostgreSQLConnection.masked(message)))
    }
    let working: CRS
    do {
      working = try CRS(manifest.crs)
      if !working.isProjected || !working.axisUnit.hasPrefix("met") {
        problem("error", "", AnalysisError.workingCRSNotProjected(crs: manifest.crs).description)
      }
    } catch {
      problem("error", "", "crs: \(error)")
      return (report, layers)
    }
    if let mapCRS = manifest.mapCRS {
      if let crs = try? CRS(mapCRS) {
        if !crs.isProjected {
          problem(
            "error", "",
            "map-crs: \(mapCRS) is not projected; maps are drawn in a projected CRS (EPSG:8857 for the world, a national CRS for a country)"
          )
        }
      } else {
        problem(
          "error", "", "map-crs: PROJ does not know '\(mapCRS)'; give EPSG:n, WKT or a PROJ string")
      }
    }
    var siteExtent: Envelope?
    var unitsArea = 0.0
    for spec in manifest.layers {
      let path = LoadedSite.path(of: spec, in: manifest)
      var entry = SiteCheckReport.Layer(
        key: spec.key, path: PostgreSQLConnection.masked(spec.path), role: spec.role.rawValue)
      defer { report.layers.append(entry) }
      // A table's connection is checked by opening it, below.
      guard PostgreSQLConnection.isConnection(path) || FileManager.default.fileExists(atPath: path)
      else {
        problem("error", spec.key, "\(spec.path) does not exist in the site folder; check the path")
        continue
      }
      entry.found = true
      do {
        let declared = try spec.crs.map { try CRS($0) }
        if spec.role == .raster {
          let raster = try RasterDataset(path: path)
          entry.driver = raster.driverName
          let crs = declared ?? raster.crs
          entry.crs = crs?.description
          try checkCRS(
            crs, declared: declared != nil, extent: raster.extent, spec: spec, problem: problem)
          for variable in spec.variables where variable.band > raster.bandCount {
            problem(
              "error", spec.key,
              AnalysisError.bandNotFound(
                path: spec.path, band: variable.band, count: raster.bandCount
              ).description)
          }
          if let crs, let box = raster.extent {
            try checkInside(
              box, crs: crs, working: working, site: siteExtent, spec: spec, problem: problem)
          }
          continue
        }
        if spec.role == .network {
          // The network itself is built by analyze; here, the file must be an
          // OpenStreetMap extract whose ways GDAL's OSM driver can read.
          let dataset = try VectorDataset(path: path)
          entry.driver = dataset.driverName
          guard dataset.driverName == "OSM", (try? dataset.layer(named: "lines")) != nil else {
            problem(
              "error", spec.key,
              "\(spec.path) is read by GDAL's \(dataset.driverName) driver, not as an OpenStreetMap extract; a network layer is an .osm.pbf or .osm file"
            )
            continue
          }
          entry.crs = "EPSG:4326"
          continue
        }
        let opened = try LayerSource(path: path, layer: spec.layer, assumedCRS: declared).open()
        let layer = opened.layer
        entry.driver = opened.driverName
        // The count the format stores; a count by reading comes with the reading below.
        entry.features = layer.featureCount(force: false)
        let crs = opened.crs
        entry.crs = crs?.description
        try checkCRS(
          crs, declared: declared != nil, extent: layer.extent, spec: spec, problem: problem)
        let fields = layer.fields
        for variable in spec.variables {
          guard let field = fields.first(where: { $0.name == variable.name }) else {
            problem(
              "error", spec.key,
              GDALError.fieldNotFound(
                path: spec.path, layer: layer.name, field: variable.name,
                available: fields.map(\.name)
              ).description)
            continue
          }
          if (variable.kind == .extensive || variable.kind == .intensive) && !field.type.isNumeric {
            problem(
              "error", spec.key,
              "field '\(variable.name)' is \(field.type.rawValue) but is declared \(variable.kind.rawValue); counts and rates must be numbers"
            )
          }
        }
        if let id = spec.id, !fields.contains(where: { $0.name == id }) {
          problem(
            "error", spec.key,
            "the id field '\(id)' does not exist; the fields are: \(fields.map(\.name).joined(separator: ", "))"
          )
        }
        let extensive = spec.variables.filter { $0.kind == .extensive }.compactMap { v in
          fields.firstIndex { $0.name == v.name }
        }
        var totals = [Double](repeating: 0, count: extensive.count)
        var invalid = 0
        var firstIDs: [Int64] = []
        var repairs = true
        // Every transformation analyze will run, run here: a feature it cannot
        // bring into the working CRS is found now, with its layer.
        let transformer = try crs.flatMap {
          try Transformer.unlessEquivalent(from: $0, to: working)
        }
        let placer = try crs.map { try PointPlacer(from: $0, to: working) }
        var unplaceable = 0
        var firstUnplaceable: (id: Int64, error: String)?
        let isUnits = spec.key == manifest.layers.first { $0.role == .units }?.key
        let kept = crs.flatMap { crs in
          SiteLayers.keeps(spec, in: manifest)
            ? SiteLayers.Layer(
              name: layer.name, fields: fields, crs: crs, warnings: layer.integrityWarnings) : nil
        }
        var read = 0
        try layer.forEachFeature { feature in
          read += 1
          for (position, index) in extensive.enumerated() {
            totals[position] += feature.attributes[index].doubleValue ?? 0
          }
          if spec.role == .points, let geometry = feature.geometry, let placer {
            var points: [SIMD2<Double>] = []
            geometry.forEachCoordinate { x, y in points.append(SIMD2(x, y)) }
            var missing = false
            for point in points {
              if let placed = placer.place(point) {
                kept?.points.append(placed)
              } else {
                missing = true
                kept?.unplaceable += 1
              }
            }
            if missing {
              unplaceable += 1
              if firstUnplaceable == nil { firstUnplaceable = (feature.id, "") }
            }
          } else if let geometry = feature.geometry {
            do {
              let moved = try transformer.map { try $0.transform(geometry) } ?? geometry
              if isUnits { unitsArea += moved.area }
              kept?.features.append(
                Feature(id: feature.id, attributes: feature.attributes, geometry: moved))
            } catch {
              unplaceable += 1
              if firstUnplaceable == nil { firstUnplaceable = (feature.id, describe(error)) }
            }
          }
          if feature.geometry == nil { kept?.features.append(feature) }
          guard let geometry = feature.geometry, !geometry.isValid else { return }
          invalid += 1
          if firstIDs.count < 5 { firstIDs.append(feature.id) }
          if (try? geometry.makeValid().isValid) != true { repairs = false }
        }
        if let (id, error) = firstUnplaceable {
          if spec.role == .points {
            entry.unplaceablePoints = unplaceable
            problem(
              "warning", spec.key,
              "\(unplaceable) feature\(unplaceable == 1 ? "" : "s") cannot be placed in \(manifest.crs) "
                + "(outside the area it is defined for; first: feature \(id)); they will fall in no zone"
            )
          } else {
            problem(
              "error", spec.key,
              "\(unplaceable) feature\(unplaceable == 1 ? "" : "s") cannot be brought into \(manifest.crs) "
                + "(first: feature \(id): \(error)); check the layer's CRS or choose a working CRS that covers it"
            )
          }
        }
        entry.features = read
        if let kept { layers.layers[spec.key] = kept }
        entry.invalidGeometries = invalid
        entry.firstInvalidIDs = firstIDs
        entry.makeValidRepairs = invalid > 0 ? repairs : nil
        if !extensive.isEmpty {
          entry.totals = Dictionary(
            uniqueKeysWithValues: zip(extensive.map { fields[$0].name }, totals))
        }
        if invalid > 0 {
          problem(
            repairs ? "warning" : "error", spec.key,
            "\(invalid) invalid geometries (first ids: \(firstIDs.map(String.init).joined(separator: ", "))); \(repairs ? "make-valid repairs them, and analyze does so" : "make-valid cannot repair them all; fix them in QGIS")"
          )
        }
        if let crs, let box = layer.extent {
          let projected = try checkInside(
            box, crs: crs, working: working, site: siteExtent, spec: spec, problem: problem)
          if spec.role == .units {
            siteExtent = siteExtent.map { $0.union(projected) } ?? projected
          }
        }
      } catch {
        problem("error", spec.key, describe(error))
      }
    }
    if !manifest.layers.contains(where: { $0.role == .units }) {
      problem("error", "", "no layer has role 'units'; the scales need one")
    }
    report.scales = estimates(manifest, unitsArea: unitsArea, problem: problem)
    return (report, layers)
  }

  private static func checkCRS(
    _ crs: CRS?, declared: Bool, extent: Envelope?, spec: LayerSpec,
    problem: (String, String, String) -> Void
  ) throws {
    guard let crs else {
      problem(
        "error", spec.key,
        "\(spec.path) declares no CRS; add 'crs: EPSG:...' to the layer in site.yaml")
      return
    }
    guard !declared, (crs.datumName ?? "").lowercased().contains("unknown") else { return }
    var hint = ""
    if let extent, let lonLat = try? degrees(extent, crs: crs) {
      let matches = crs.likelyMatches(near: lonLat)
      if !matches.isEmpty {
        hint =
          " It is most likely \(matches.map { "\($0.name) (\($0.code))" }.joined(separator: ", or "));"
      }
    }
    problem(
      "warning", spec.key,
      "the CRS of \(spec.path) ('\(crs.name)') has an unknown datum, so positions may be off by tens of metres.\(hint) say which with 'crs: EPSG:...' on the layer in site.yaml"
    )
  }

  @discardableResult
  private static func checkInside(
    _ box: Envelope, crs: CRS, working: CRS, site: Envelope?, spec: LayerSpec,
    problem: (String, String, String) -> Void
  ) throws -> Envelope {
    let projected =
      crs.isEquivalent(to: working)
      ? box : try Transformer(from: crs, to: working).transformBounds(box)
    if let site, !site.intersects(projected) {
      problem(
        "warning", spec.key,
        "\(spec.path) lies outside the site's extent (the units' extent); check its CRS")
    }
    return projected
  }

  private static func degrees(_ box: Envelope, crs: CRS) throws -> Envelope {
    crs.isGeographic ? box : try Transformer(from: crs, to: CRS.wgs84).transformBounds(box)
  }

  static func describe(_ error: any Error) -> String {
    switch error {
    case let error as GDALError: return error.description
    case let error as PROJError: return error.description
    case let error as GEOSError: return error.description
    case let error as AnalysisError: return error.description
    case let error as SiteError: return error.description
    default: return "\(error)"
    }
  }
}
