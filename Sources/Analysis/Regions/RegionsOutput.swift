import GDALKit
import GEOSKit
import GeoCore

/// The GeoPackage of `territory regions`: `regions` (dissolved polygons with
/// `region`, `units`, `area_km2`, the summed floor field and the area-weighted
/// means of the `--by` variables), `units` (each unit with its `region`) and,
/// with random zonings, `zonings` (each unit's region in each of them).
struct RegionsOutput {
  let job: RegionsJob
  let units: [SourceUnit]
  let labels: [Int]
  let regions: Int
  let zonings: [[Int]]

  func write() throws {
    let writer = try VectorWriter(path: job.output, policy: job.policy)
    do {
      let geometries = try units.map { unit in try Geometry.polygonal(unit.shape!) }
      let areas = geometries.map(\.area)
      let means = job.by.map { Field(name: "\($0)_mean", type: .real) }
      // A --by variable that is also the floor field is written once.
      let extra = job.by.indices.filter { job.by[$0] != job.floorField }
      let regionLayer = try writer.addLayer(
        name: "regions", geometryType: .multiPolygon, crs: job.workingCRS,
        fields: [
          Field(name: "region", type: .integer), Field(name: "units", type: .integer),
          Field(name: "area_km2", type: .real), Field(name: job.floorField, type: .real),
        ] + means)
      var members = [[Int]](repeating: [], count: regions)
      for (unit, region) in labels.enumerated() { members[region].append(unit) }
      for (region, list) in members.enumerated() {
        let dissolved = try multi(Geometry.unionAll(list.map { geometries[$0] }))
        let area = list.reduce(0) { $0 + areas[$1] }
        var attributes: [FieldValue] = [
          .integer(Int64(region + 1)), .integer(Int64(list.count)), .real(area / 1e6),
          .real(list.reduce(0) { $0 + (units[$1].extensive[0] ?? 0) }),
        ]
        for variable in job.by.indices {
          let known = list.filter { units[$0].intensive[variable] != nil }
          let weight = known.reduce(0) { $0 + areas[$1] }
          let sum = known.reduce(0) { $0 + areas[$1] * units[$1].intensive[variable]! }
          attributes.append(weight > 0 ? .real(sum / weight) : .null)
        }
        try writer.write(
          Feature(id: Int64(region + 1), attributes: attributes, geometry: dissolved),
          toLayer: regionLayer)
      }
      let unitLayer = try writer.addLayer(
        name: "units", geometryType: .multiPolygon, crs: job.workingCRS,
        fields: [
          Field(name: "unit", type: .integer64), Field(name: "region", type: .integer),
          Field(name: job.floorField, type: .real),
        ] + extra.map { Field(name: job.by[$0], type: .real) })
      for (index, unit) in units.enumerated() {
        let attributes: [FieldValue] =
          [.integer(unit.id), .integer(Int64(labels[index] + 1)), real(unit.extensive[0])]
          + extra.map { real(unit.intensive[$0]) }
        try writer.write(
          Feature(
            id: Int64(index + 1), attributes: attributes, geometry: try multi(geometries[index])),
          toLayer: unitLayer)
      }
      if !zonings.isEmpty {
        let zoningLayer = try writer.addLayer(
          name: "zonings", geometryType: .none, crs: nil,
          fields: [Field(name: "unit", type: .integer64)]
            + zonings.indices.map { Field(name: "zoning_\($0 + 1)", type: .integer) })
        for (index, unit) in units.enumerated() {
          try writer.write(
            Feature(
              id: Int64(index + 1),
              attributes: [.integer(unit.id)] + zonings.map { .integer(Int64($0[index] + 1)) },
              geometry: nil), toLayer: zoningLayer)
        }
      }
      try writer.commit()
    } catch {
      writer.discard()
      throw error
    }
  }

  private func real(_ value: Double?) -> FieldValue { value.map(FieldValue.real) ?? .null }

  private func multi(_ geometry: Geometry) throws -> Geometry {
    try Geometry.polygonal(PolygonalShape(polygons: geometry.polygonRings(), isMulti: true))
  }
}
