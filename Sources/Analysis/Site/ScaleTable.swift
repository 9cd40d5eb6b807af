import GDALKit
import GEOSKit
import GeoCore
import PROJKit

/// One scale of a site's analysis: its targets with identifying fields, the
/// interpolated variables and the indicators, ready to write and to report on.
public struct ScaleTable: Sendable {
  /// One indicator's values, by row (`nil` where a target has no data).
  public struct Indicator: Sendable {
    /// The column name (`V014_density`).
    public var name: String
    /// What it measures, for the report (`V014 per km²`).
    public var description: String
    /// One value per row (`nil`: no data).
    public var values: [Double?]
    /// What it measures in each of the site's languages, for map titles.
    public var labels: [String: String] = [:]
    /// Whether the table already has this column (an intensive variable is both
    /// an interpolated value and an indicator): it is then not written twice.
    public var isInterpolatedColumn = false
  }

  /// The scale's name.
  public var name: String
  /// The fields, identifying fields first.
  public var fields: [Field]
  /// One column of values per field (`Column`), each of `count` values.
  public var columns: [Column]
  /// The number of targets (rows).
  public var count: Int
  /// Each row's geometry in the working CRS.
  public var geometries: ScaleGeometries
  /// The indicators, in column order.
  public var indicators: [Indicator]
  /// Queen contiguity by row index.
  public var neighbours: NeighbourGraph
  /// One mass balance per count.
  public var balances: [MassBalance]
  /// How counts were split.
  public var rule: ExtensiveRule
  /// What building the targets changed, one line each (sliver holes closed).
  public var notes: [String] = []
  /// The area (m²) of each row that the units cover, by which counts become
  /// densities (empty for catchments and footprint).
  public var coveredAreas: [Double] = []

  /// A table of `count` rows from its columns, one per field.
  public init(
    name: String, fields: [Field], columns: [Column], count: Int, geometries: ScaleGeometries,
    indicators: [Indicator], neighbours: NeighbourGraph, balances: [MassBalance],
    rule: ExtensiveRule, notes: [String] = [], coveredAreas: [Double] = []
  ) {
    precondition(fields.count == columns.count, "one column per field")
    precondition(columns.allSatisfy { $0.count == count }, "columns of \(count) values")
    self.name = name
    self.fields = fields
    self.columns = columns
    self.count = count
    self.geometries = geometries
    self.indicators = indicators
    self.neighbours = neighbours
    self.balances = balances
    self.rule = rule
    self.notes = notes
    self.coveredAreas = coveredAreas
  }

  /// A table from its rows, one value per field each (catchments, footprint:
  /// tables small enough to be made row by row).
  public init(
    name: String, fields: [Field], rows: [[FieldValue]], geometries: ScaleGeometries,
    indicators: [Indicator], neighbours: [[Int]], balances: [MassBalance], rule: ExtensiveRule
  ) {
    self.init(
      name: name, fields: fields, columns: Self.columns(transposing: rows, width: fields.count),
      count: rows.count, geometries: geometries, indicators: indicators,
      neighbours: NeighbourGraph(lists: neighbours),
      balances: balances, rule: rule)
  }

  /// The rows, each read from the columns when it is asked for.
  public var rows: Rows { Rows(columns: columns, endIndex: count) }
}

extension LoadedSite {
  /// Builds one scale; a square grid may be placed with its lines moved by `shift`.
  public func table(for scale: ScaleSpec, shift: SIMD2<Double> = .zero) throws -> ScaleTable {
    try table(for: scale, shift: shift, identifiedAndCategorised: true)
  }

  /// One scale; without its identifying columns and category shares unless
  /// `identifiedAndCategorised` (for placements whose statistics alone are kept:
  /// a million cells' column, row and two shares are 64 MB).
  func table(
    for scale: ScaleSpec, shift: SIMD2<Double>, identifiedAndCategorised: Bool
  ) throws -> ScaleTable {
    var idFields: [Field]
    var idColumns: [ScaleTable.Column]
    let geometries: ScaleGeometries
    var neighbours: NeighbourGraph
    var notes: [String] = []
    let result: InterpolationResult
    let keys: [TargetKey]
    let interpolated: [ScaleTable.Column]
    let onto: InterpolationTargets
    switch scale.kind {
    case .grid(let hexagonal, let cell):
      let shape: GridShape =
        hexagonal
        ? .hexagon(HexGrid(spacing: cell))
        : .square(SquareGrid(cellSize: cell, inspire: crs.epsgCode == 3035, origin: shift))
      onto = shape.targets
      (result, keys, interpolated) = try ScaleTable.gridColumns(
        units, onto: shape, extensive: extensive, intensive: intensive,
        categorical: categorical, categories: identifiedAndCategorised,
        stripeCells: gridStripeCells, threads: threads)
      idFields = []
      idColumns = []
      if identifiedAndCategorised {
        idFields = [Field(name: "col", type: .integer), Field(name: "row", type: .integer)]
        idColumns = [
          .integers(keys.map { Int64($0.column) }), .integers(keys.map { Int64($0.row) }),
        ]
      }
      if identifiedAndCategorised, case .square(let grid) = shape, grid.inspire {
        idFields.append(Field(name: "inspire_id", type: .string))
        idColumns.append(
          .values(
            keys.map { .string(grid.inspireIdentifier(column: $0.column, row: $0.row)) }))
      }
      geometries = .cells(shape, keys)
      neighbours = hexagonal ? NeighbourGraph.hexagons(keys) : NeighbourGraph.squares(keys)
    case .units, .dissolve, .zones:
      let targets = try targetLayer(for: scale)
      onto = .polygons(targets.geometries)
      let cells: InterpolatedCells
      (result, cells) = try ArealInterpolation.interpolateInPlace(
        units, onto: onto, extensiveNames: extensive,
        intensiveNames: intensive, categoricalNames: categorical, threads: threads)
      keys = cells.indices.map(cells.key)
      interpolated = ScaleTable.interpolatedColumns(
        cells, of: result, coveredArea: true, categories: identifiedAndCategorised)
      idFields = targets.fields
      idColumns = ScaleTable.columns(transposing: targets.attributes, width: targets.fields.count)
      geometries = .polygons(targets.geometries)
      notes = targets.notes
      neighbours = try NeighbourGraph.polygons(targets.geometries)
    }
    var fields = idFields + ValueTable.fields(of: result, coveredArea: true)
    var columns = idColumns + interpolated
    if !identifiedAndCategorised {
      fields.removeLast(result.categorical.reduce(0) { $0 + $1.categories.count })
    }
    // From here on the values are read from the columns: covered area, then
    // the extensive and intensive variables, after the identifying columns.
    func numbers(_ index: Int) -> [Double] {
      guard case .numbers(let values) = columns[idColumns.count + index] else {
        preconditionFailure("an interpolated column of numbers")
      }
      return values
    }
    let coveredAreas = numbers(0)
    let counts = extensive.indices.map { numbers(1 + $0) }
    var indicators: [ScaleTable.Indicator] = []
    if manifest.analyses.densities {
      for (variable, name) in extensive.enumerated() {
        let density = zip(counts[variable], coveredAreas).map { count, area -> Double? in
          area > 0 ? count / (area / 1e6) : nil
        }
        indicators.append(
          .init(
            name: name + "_density", description: "\(variableLabel(name)) per km²", values: density,
            labels: labels(
              of: unitsSpec.variables.first { $0.name == name }, name: name,
              phrase: ["fr": "{} par km²", "en": "{} per km²", "ar": "{} لكل كم²"])))
      }
    }
    for (variable, name) in intensive.enumerated() {
      // The same array as the variable's column (no copy): covered area and
      // the extensive variables come first.
      guard
        case .optionalNumbers(let values) = columns[
          idColumns.count + 1 + extensive.count + variable]
      else { preconditionFailure("an intensive variable's column") }
      indicators.append(
        .init(
          name: name, description: variableLabel(name), values: values,
          labels: labels(
            of: unitsSpec.variables.first { $0.name == name }, name: name,
            phrase: ["en": "{}"]),
          isInterpolatedColumn: true))
    }
    var balances = result.balances
    if let change = manifest.analyses.change, let earlierUnits {
      let (changes, earlierBalances) = try changeIndicators(
        change, earlier: earlierUnits, onto: onto, keys: keys,
        counts: Dictionary(zip(extensive, counts)) { first, _ in first })
      indicators += changes
      balances += earlierBalances
    }
    for raster in rasters {
      indicators += try zonalMeans(raster, geometries: geometries)
    }
    for layer in points {
      let counts = try pointCounts(
        layer.locations, scale: scale, shift: shift, geometries: geometries,
        keys: keys)
      indicators.append(
        .init(
          name: layer.spec.key + "_count", description: "\(layer.spec.key) (points)",
          values: counts,
          labels: labels(
            of: nil, name: layer.spec.key,
            phrase: ["fr": "{} (nombre)", "en": "{} (count)", "ar": "{} (عدد)"])))
    }
    if let network, let catchments = manifest.analyses.catchments {
      indicators.append(
        try travelIndicator(
          network, catchments: catchments, onto: onto, keys: keys))
    }
    let indicatorColumns = indicators.filter { !$0.isInterpolatedColumn }
    fields += indicatorColumns.map { Field(name: $0.name, type: .real) }
    columns += indicatorColumns.map { .optionalNumbers($0.values) }
    return ScaleTable(
      name: scale.name, fields: fields, columns: columns, count: keys.count,
      geometries: geometries, indicators: indicators,
      neighbours: neighbours, balances: balances, rule: result.rule, notes: notes,
      coveredAreas: coveredAreas)
  }

  /// The mean minutes from each target to the nearest catchment point along
  /// the network (`SiteNetwork`), titled by how one travels.
  private func travelIndicator(
    _ network: SiteNetwork, catchments: CatchmentSpec, onto: InterpolationTargets,
    keys: [TargetKey]
  ) throws -> ScaleTable.Indicator {
    let profile = catchments.network.flatMap { manifest.layer($0)?.profile } ?? .walk
    let phrase: [String: String]
    switch profile {
    case .walk:
      phrase = [
        "fr": "{} : minutes à pied jusqu'au plus proche", "en": "{}: minutes' walk to the nearest",
        "ar": "{}: دقائق سيرًا إلى الأقرب",
      ]
    case .bike:
      phrase = [
        "fr": "{} : minutes à vélo jusqu'au plus proche",
        "en": "{}: minutes by bike to the nearest", "ar": "{}: دقائق بالدراجة إلى الأقرب",
      ]
    case .car:
      phrase = [
        "fr": "{} : minutes en voiture jusqu'au plus proche",
        "en": "{}: minutes by car to the nearest", "ar": "{}: دقائق بالسيارة إلى الأقرب",
      ]
    }
    let weighting =
      network.weight.map { "mean weighted by \(variableLabel($0).lowercased())" }
      ?? "area-weighted mean"
    return .init(
      name: catchments.points + "_minutes",
      description:
        "minutes to the nearest of \(catchments.points) (\(profile.rawValue); \(Int(network.cell)) m cells, \(weighting))",
      values: try network.minutes(onto: onto, keys: keys, threads: threads),
      labels: labels(of: nil, name: catchments.points, phrase: phrase))
  }

  /// The label of a variable in each of the site's languages, turned into an
  /// indicator's title by `phrase` (`{}` is the variable's label). A bracket the
  /// phrase adds joins one the label ends with: "Altitude (m, moyenne)", not
  /// "Altitude (m) (moyenne)".
  func labels(of variable: VariableSpec?, name: String, phrase: [String: String]) -> [String:
    String]
  {
    var labels: [String: String] = [:]
    for language in Set(manifest.languages + ["en"]) {
      let label = variable?.labels[language] ?? variable?.labels["en"] ?? name
      labels[language] = Self.title(
        label, phrase: phrase[language] ?? phrase["en"] ?? "{}", language: language)
    }
    return labels
  }

  /// `phrase` with `{}` replaced by `label`, brackets merged.
  static func title(_ label: String, phrase: String, language: String) -> String {
    if phrase.hasPrefix("{} ("), phrase.hasSuffix(")"), label.hasSuffix(")") {
      let added = phrase.dropFirst(4).dropLast()
      return label.dropLast() + (language == "ar" ? "، " : ", ") + added + ")"
    }
    return phrase.replacingOccurrences(of: "{}", with: label)
  }

  /// A units variable's English label, for the report.
  func variableLabel(_ name: String) -> String {
    unitsSpec.variables.first { $0.name == name }?.label("en") ?? name
  }

  /// The polygons of a `units`, `dissolve` or `zones` scale.
  func targetLayer(for scale: ScaleSpec) throws -> TargetLayer {
    switch scale.kind {
    case .units(let key) where key == unitsSpec.key:
      let keep = unitsSpec.id.flatMap { id in unitsTargets.fields.firstIndex { $0.name == id } }
      guard let keep else { return unitsTargets.only(fields: []) }
      return unitsTargets.only(fields: [keep])
    case .units(let key), .zones(let key):
      guard let targets = scaleTargets[key] else {
        throw SiteError(path: manifest.folder, message: "no layer '\(key)'")
      }
      return targets
    case .dissolve(_, let field):
      return try unitsTargets.dissolved(by: field)
    case .grid:
      preconditionFailure("grids have no target layer")
    }
  }

  /// The statistics of each continuous variable of a raster over each geometry,
  /// each pixel weighted by the exact fraction covered.
  func zonalStatistics<Kept>(
    _ raster: (spec: LayerSpec, path: String, crs: CRS), geometries: ScaleGeometries,
    zonesPerStripe: Int = zonesPerStripe, keeping keep: (ZoneStatistics) -> Kept
  ) throws -> [(variable: VariableSpec, zones: [Kept])] {
    let dataset = try RasterDataset(path: raster.path)
    let transformer =
      try Transformer.unlessEquivalent(from: crs, to: raster.crs)
    let variables = raster.spec.variables.filter { $0.kind == .continuous }
    var results = variables.map { _ in
      var kept: [Kept] = []
      kept.reserveCapacity(geometries.count)
      return kept
    }
    // Zones by stripes of targets: a million grid cells as rings at once were
    // about 80 MB of `analyze`'s peak. The statistics of a zone do not depend
    // on the others, and grid cells come in rows, so a stripe is a band of
    // the raster.
    for start in stride(from: 0, to: geometries.count, by: zonesPerStripe) {
      let zones = try (start..<min(start + zonesPerStripe, geometries.count)).map {
        index -> [PolygonRings] in
        guard var geometry = try geometries.geometry(at: index) else { return [] }
        if let transformer {
          geometry = try transformer.transform(geometry)
        }
        return geometry.polygonRings().map(PolygonRings.init(rings:))
      }
      for (position, variable) in variables.enumerated() {
        results[position] += try ZonalStatistics.compute(
          raster: dataset, band: variable.band, zones: zones, rule: .coverage, majority: false,
          threads: threads
        ).map(keep)
      }
    }
    return Array(zip(variables, results))
  }

  /// Targets whose zonal statistics are computed together (`zonalStatistics`)
  /// unless told otherwise.
  static let zonesPerStripe = 65_536

  /// The mean of a raster over each geometry, each pixel weighted by the exact
  /// fraction covered.
  private func zonalMeans(
    _ raster: (spec: LayerSpec, path: String, crs: CRS), geometries: ScaleGeometries
  ) throws
    -> [ScaleTable.Indicator]
  {
    try zonalStatistics(raster, geometries: geometries, keeping: \.mean).map { variable, means in
      .init(
        name: variable.name + "_mean", description: "mean \(variable.label("en").lowercased())",
        values: means,
        labels: labels(
          of: variable, name: variable.name,
          phrase: ["fr": "{} (moyenne)", "en": "{} (mean)", "ar": "{} (المتوسط)"]))
    }
  }

  /// How many points fall in each target (a point on a shared border counts once);
  /// `keys` are the targets' keys, in row-major order for a grid.
  private func pointCounts(
    _ locations: [SIMD2<Double>], scale: ScaleSpec, shift: SIMD2<Double>,
    geometries: ScaleGeometries, keys: [TargetKey]
  ) throws -> [Double?] {
    // Optional from the start: a count array cast to optionals on return was
    // a second copy of it.
    var counts = [Double?](repeating: 0, count: geometries.count)
    if case .grid(let hexagonal, let cell) = scale.kind {
      let shape: GridShape =
        hexagonal
        ? .hexagon(HexGrid(spacing: cell)) : .square(SquareGrid(cellSize: cell, origin: shift))
      // The keys come in row-major order (`TargetKey.<`): each point's cell is
      // found by bisection, without a dictionary of every cell for a few points.
      for point in locations {
        guard let key = shape.cell(containing: point) else { continue }
        var low = 0
        var high = keys.count
        while low < high {
          let middle = (low + high) / 2
          if keys[middle] < key { low = middle + 1 } else { high = middle }
        }
        if low < keys.count, keys[low] == key { counts[low]! += 1 }
      }
      return counts
    }
    return try pointCounts(locations, in: geometries.shapes())
  }

  /// How many points fall in each polygon (a point on a shared border counts once).
  func pointCounts(_ locations: [SIMD2<Double>], in shapes: [PolygonalShape?]) throws -> [Double?] {
    var counts = [Double?](repeating: 0, count: shapes.count)
    let locator = try PolygonLocator(shapes)
    for point in locations {
      for position in try locator.covering(point, all: false) { counts[position]! += 1 }
    }
    return counts
  }
}

extension TargetLayer {
  /// The same targets with only the fields at `indexes`.
  func only(fields indexes: [Int]) -> TargetLayer {
    TargetLayer(
      name: name, fields: indexes.map { fields[$0] },
      attributes: attributes.map { row in indexes.map { row[$0] } },
      geometries: geometries, sourceCRS: sourceCRS)
  }

  /// Holes narrower than this (twice the area over the perimeter, in metres) in
  /// a dissolved polygon are slivers where unit edges nearly meet, not real
  /// holes: at 7 decimals in GeoJSON they collapse into zero-area or crossing
  /// rings. 1 cm is below any survey precision of administrative boundaries.
  static let sliverWidth = 0.01

  /// The targets dissolved by the value of `field` (all together when `nil`),
  /// groups in sorted order, each with the number of units it holds. Sliver
  /// holes (`sliverWidth`) are closed, and their count and area put in `notes`.
  func dissolved(by field: String?) throws -> TargetLayer {
    let column = field.flatMap { name in fields.firstIndex { $0.name == name } }
    if let field, column == nil {
      throw GDALError.fieldNotFound(
        path: name, layer: name, field: field, available: fields.map(\.name))
    }
    var groups: [String: [Int]] = [:]
    for index in attributes.indices where geometries[index] != nil {
      let key =
        column.map { attributes[index][$0].isNull ? "" : attributes[index][$0].description }
        ?? "all"
      groups[key, default: []].append(index)
    }
    var rows: [[FieldValue]] = []
    var shapes: [PolygonalShape?] = []
    var slivers = (count: 0, area: 0.0)
    for key in groups.keys.sorted() {
      let members = groups[key]!
      let union = try Geometry.unionAll(
        members.compactMap { try geometries[$0].map(Geometry.polygonal) })
      var polygons = try union.polygonalPart().polygonRings()
      for index in polygons.indices {
        polygons[index] =
          [polygons[index][0]]
          + polygons[index].dropFirst().filter { hole in
            let area = abs(RingArea.signed(hole))
            let perimeter = zip(hole, hole.dropFirst()).reduce(0.0) { sum, edge in
              let step = edge.1 - edge.0
              return sum + (step.x * step.x + step.y * step.y).squareRoot()
            }
            guard perimeter > 0, 2 * area / perimeter < Self.sliverWidth else { return true }
            slivers.count += 1
            slivers.area += area
            return false
          }
      }
      // The rings come from GEOS, closed; dropping holes leaves them valid.
      shapes.append(PolygonalShape(polygons: polygons, isMulti: polygons.count != 1))
      let label: FieldValue = key.isEmpty ? .null : .string(key)
      rows.append((column == nil ? [] : [label]) + [.integer(Int64(members.count))])
    }
    let groupFields =
      (field.map { [Field(name: $0, type: .string)] } ?? []) + [
        Field(name: "units", type: .integer)
      ]
    var layer = TargetLayer(
      name: name, fields: groupFields, attributes: rows, geometries: shapes, sourceCRS: sourceCRS)
    if slivers.count > 0 {
      layer.notes.append(
        "dissolving closed \(slivers.count) sliver hole\(slivers.count == 1 ? "" : "s") "
          + "narrower than \(Self.sliverWidth) m where unit edges nearly meet "
          + "(\(String(format: "%.6f", slivers.area)) m² in all)")
    }
    return layer
  }
}
