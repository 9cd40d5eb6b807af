import GDALKit
import GEOSKit
import GeoCore

extension LoadedSite {
  /// Buffers of every radius around every point of the catchment layer, or,
  /// along a network, the areas each point reaches within every number of
  /// minutes (`ServiceAreas`), with the counts of the units interpolated onto
  /// them (they overlap, so counts are split by the share of each unit's own
  /// area).
  public func catchments(_ spec: CatchmentSpec) throws -> ScaleTable? {
    guard let locations = placedPoints[spec.points] else { return nil }
    var polygons: [PolygonalShape?] = []
    var ids: [[FieldValue]] = []
    var idFields = [Field(name: "point", type: .integer), Field(name: "radius", type: .real)]
    if spec.network != nil, let network {
      idFields = [
        Field(name: "point", type: .integer), Field(name: "minutes", type: .real),
        Field(name: "network_m", type: .real),
      ]
      let areas = try ServiceAreas.ofEachSource(
        network: network.streets, sources: network.sources, minutes: spec.minutes,
        buffer: spec.buffer, threads: threads)
      for area in areas {
        polygons.append(area.shape)
        ids.append([.integer(Int64(area.source + 1)), .real(area.minutes), .real(area.length)])
      }
    }
    for radius in spec.radii.sorted() {
      for (index, point) in locations.enumerated() {
        polygons.append(
          try Geometry.point(x: point.x, y: point.y).buffer(radius, quadrantSegments: 16)
            .polygonalShape)
        ids.append([.integer(Int64(index + 1)), .real(radius)])
      }
    }
    let result = try ArealInterpolation.interpolate(
      units, onto: .polygons(polygons), extensiveNames: extensive, intensiveNames: intensive,
      categoricalNames: categorical, threads: threads)
    let values = ValueTable(result, coveredArea: true)
    return ScaleTable(
      name: "catchments",
      fields: idFields + values.fields,
      rows: zip(ids, values.rows).map { $0 + $1.values }, geometries: .polygons(polygons),
      indicators: [],
      neighbours: [], balances: result.balances, rule: result.rule)
  }

  /// The union of the units where `field = value`, closed by `close` metres
  /// (buffer out, then in), as separate pieces with their area, their counts and
  /// the number of units each spans.
  public func footprint(_ spec: FootprintSpec) throws -> ScaleTable? {
    guard let column = unitsTargets.fields.firstIndex(where: { $0.name == spec.field }) else {
      throw GDALError.fieldNotFound(
        path: unitsSpec.path, layer: unitsSpec.key, field: spec.field,
        available: unitsTargets.fields.map(\.name))
    }
    let selected = unitsTargets.attributes.indices.filter {
      unitsTargets.attributes[$0][column].description == spec.value
        && unitsTargets.geometries[$0] != nil
    }
    guard !selected.isEmpty else { return nil }
    let shapes = try selected.compactMap { try unitsTargets.geometries[$0].map(Geometry.polygonal) }
    var union = try Geometry.unionAll(shapes)
    if spec.close > 0 {
      union = try union.buffer(spec.close, quadrantSegments: 8).buffer(
        -spec.close, quadrantSegments: 8)
    }
    let pieces = try union.polygonalPart().parts.filter { !$0.isEmpty && $0.area > 0 }
    let pieceShapes = pieces.map(\.polygonalShape)
    let result = try ArealInterpolation.interpolate(
      units, onto: .polygons(pieceShapes), extensiveNames: extensive, intensiveNames: intensive,
      categoricalNames: categorical, threads: threads)
    let all = try unitsTargets.geometries.map { try $0.map(Geometry.polygonal) }
    let tree = STRTree(
      envelopes: all.map {
        $0?.envelope ?? Envelope(minX: .infinity, minY: .infinity, maxX: .infinity, maxY: .infinity)
      })
    var rows: [[FieldValue]] = []
    let values = ValueTable(result, coveredArea: false)
    for (index, piece) in pieces.enumerated() {
      let prepared = try PreparedGeometry(piece)
      var spanned = 0
      for candidate in tree.query(piece.envelope!) {
        guard let unit = all[candidate], try prepared.intersects(unit) else { continue }
        if try piece.intersection(with: unit).area > 0 { spanned += 1 }
      }
      rows.append(
        [.integer(Int64(index + 1)), .real(piece.area), .integer(Int64(spanned))]
          + values.rows[index].values)
    }
    return ScaleTable(
      name: "footprint",
      fields: [
        Field(name: "piece", type: .integer), Field(name: "area", type: .real),
        Field(name: "units", type: .integer),
      ]
        + values.fields,
      rows: rows, geometries: .polygons(pieceShapes), indicators: [], neighbours: [],
      balances: result.balances,
      rule: result.rule)
  }
}
