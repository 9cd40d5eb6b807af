import Foundation
import GDALKit
import GEOSKit
import GeoCore
import PROJKit

/// A street network stored for reuse, in a GeoPackage of three layers:
/// `edges` (their drawing, `from_node`, `to_node`, `length_m`, `forward_s`
/// and `backward_s`, empty where a direction is not allowed, `osm_id`,
/// `highway`, `at_ground`: 0 for tunnels, bridges and other layers),
/// `nodes` (`node`, the point) and `network` (one row: the
/// profile, the speed of the walks to and from the network, the CRS).
public enum NetworkFile {
  /// Writes `network` to `path`.
  /// - Throws: `GDALError`, `OutputError` (exists without `.overwrite`).
  public static func write(
    _ network: StreetNetwork, crs: CRS, to path: String, policy: ExistingOutputPolicy
  ) throws {
    let writer = try VectorWriter(path: path, policy: policy)
    do {
      let edges = try writer.addLayer(
        name: "edges", geometryType: .lineString, crs: crs,
        fields: [
          Field(name: "from_node", type: .integer), Field(name: "to_node", type: .integer),
          Field(name: "length_m", type: .real), Field(name: "forward_s", type: .real),
          Field(name: "backward_s", type: .real), Field(name: "osm_id", type: .integer64),
          Field(name: "highway", type: .string), Field(name: "at_ground", type: .integer),
        ])
      for (index, edge) in network.edges.enumerated() {
        try writer.write(
          Feature(
            id: Int64(index + 1),
            attributes: [
              .integer(Int64(edge.from)), .integer(Int64(edge.to)), .real(edge.length),
              edge.forward.isFinite ? .real(edge.forward) : .null,
              edge.backward.isFinite ? .real(edge.backward) : .null, .integer(edge.wayID),
              .string(edge.highway), .integer(edge.atGround ? 1 : 0),
            ], geometry: try Geometry.lineString(edge.points)), toLayer: edges)
      }
      let nodes = try writer.addLayer(
        name: "nodes", geometryType: .point, crs: crs, fields: [Field(name: "node", type: .integer)]
      )
      for (index, node) in network.nodes.enumerated() {
        try writer.write(
          Feature(
            id: Int64(index + 1), attributes: [.integer(Int64(index))],
            geometry: Geometry.point(x: node.x, y: node.y)), toLayer: nodes)
      }
      let about = try writer.addLayer(
        name: "network", geometryType: .none, crs: nil,
        fields: [
          Field(name: "profile", type: .string), Field(name: "access_kmh", type: .real),
          Field(name: "crs", type: .string),
        ])
      try writer.write(
        Feature(
          id: 1,
          attributes: [
            .string(network.profile.rawValue), .real(network.accessSpeed), .string(network.crs),
          ], geometry: nil), toLayer: about)
      try writer.commit()
    } catch {
      writer.discard()
      throw error
    }
  }

  /// Reads the network written at `path`.
  /// - Throws: `NetworkError.notANetwork`, `GDALError`.
  public static func read(_ path: String) throws -> (StreetNetwork, CRS) {
    let dataset = try VectorDataset(path: path)
    for name in ["edges", "nodes", "network"] where !dataset.layerNames.contains(name) {
      throw NetworkError.notANetwork(path: path, missing: "layer '\(name)'")
    }
    var profile = StreetProfile.walk
    var access = StreetProfile.walk.defaultSpeed
    let about = try dataset.layer(named: "network")
    let aboutFields = about.fields.map(\.name)
    try about.forEachFeature { feature in
      if let column = aboutFields.firstIndex(of: "profile"),
        case .string(let value) = feature.attributes[column],
        let known = StreetProfile(rawValue: value)
      {
        profile = known
      }
      if let column = aboutFields.firstIndex(of: "access_kmh"),
        case .real(let value) = feature.attributes[column]
      {
        access = value
      }
    }
    let edgesLayer = try dataset.layer(named: "edges")
    guard let crs = edgesLayer.crs else {
      throw NetworkError.notANetwork(path: path, missing: "CRS on its edges")
    }
    let names = edgesLayer.fields.map(\.name)
    let required = [
      "from_node", "to_node", "length_m", "forward_s", "backward_s", "osm_id", "highway",
    ]
    let columns = required.map { names.firstIndex(of: $0) }
    if let missing = zip(columns, required).first(where: { $0.0 == nil }) {
      throw NetworkError.notANetwork(path: path, missing: "field '\(missing.1)' on its edges")
    }
    // Networks written before `at_ground` existed have every edge at ground level.
    let groundColumn = names.firstIndex(of: "at_ground")
    func number(_ value: FieldValue) -> Double? {
      switch value {
      case .real(let number): return number
      case .integer(let number): return Double(number)
      default: return nil
      }
    }
    var edges: [StreetNetwork.Edge] = []
    var nodeCount = 0
    try edgesLayer.forEachFeature { feature in
      let values = columns.map { feature.attributes[$0!] }
      let from = Int(number(values[0]) ?? -1)
      let to = Int(number(values[1]) ?? -1)
      guard from >= 0, to >= 0, let points = feature.geometry?.lineStrings().first,
        points.count >= 2
      else { return }
      nodeCount = max(nodeCount, from + 1, to + 1)
      var highway = ""
      if case .string(let text) = values[6] { highway = text }
      edges.append(
        StreetNetwork.Edge(
          from: from, to: to, length: number(values[2]) ?? 0,
          forward: number(values[3]) ?? .infinity, backward: number(values[4]) ?? .infinity,
          wayID: Int64(number(values[5]) ?? 0), highway: highway, points: points,
          atGround: groundColumn.map { number(feature.attributes[$0]) != 0 } ?? true))
    }
    var nodes = [SIMD2<Double>](repeating: SIMD2(.nan, .nan), count: nodeCount)
    for edge in edges {
      nodes[edge.from] = edge.points[0]
      nodes[edge.to] = edge.points[edge.points.count - 1]
    }
    return (
      StreetNetwork(
        profile: profile, accessSpeed: access, crs: crs.definition, nodes: nodes, edges: edges),
      crs
    )
  }
}
