import Foundation
import GDALKit
import GEOSKit
import GeoCore
import PROJKit

/// Builds a `StreetNetwork` from an OpenStreetMap extract (`.osm.pbf` or
/// `.osm`), read with GDAL's OSM driver (its `lines` layer).
///
/// Ways are split into edges at every OSM node two ways share (and where a way
/// meets itself), found by their identical coordinates; ways that cross
/// without sharing a node (a bridge over a street, a tunnel under it, ways on
/// different `layer`s) stay apart, as in OSM. Two distinct nodes at the very
/// same position would be merged; OSM's validators flag those.
public enum NetworkBuilder {
  /// What the build read and made.
  public struct Summary: Sendable {
    /// Ways read from the file.
    public var waysRead = 0
    /// Ways the profile may use.
    public var waysUsed = 0
    /// Pieces of the network and their sizes in nodes, largest first.
    public var pieceSizes: [Int] = []
  }

  /// The network of `profile` from the OSM file at `path`, in `crs` (default:
  /// the UTM zone of the extract's centre). `box` (west, south, east, north in
  /// degrees) keeps the ways that reach into it; `speed` (km/h) replaces the
  /// profile's.
  /// - Throws: `NetworkError.noWays`, `GDALError` (unreadable or damaged
  ///   file), `PROJError`.
  public static func build(
    osm path: String, profile: StreetProfile, crs: CRS?, box: Envelope? = nil,
    speed: Double? = nil
  ) throws -> (StreetNetwork, Summary, CRS) {
    let dataset = try VectorDataset(path: path)
    let layer = try dataset.layer(named: "lines")
    let names = layer.fields.map(\.name)
    let idColumn = names.firstIndex(of: "osm_id")
    let highwayColumn = names.firstIndex(of: "highway")
    let otherColumn = names.firstIndex(of: "other_tags")
    var summary = Summary()
    var ways:
      [(
        id: Int64, highway: String, forward: Double?, backward: Double?, atGround: Bool,
        points: [SIMD2<Double>]
      )] = []
    try layer.forEachFeature { feature in
      summary.waysRead += 1
      var tags: [String: String] = [:]
      if let highwayColumn, case .string(let value) = feature.attributes[highwayColumn] {
        tags["highway"] = value
      }
      guard tags["highway"] != nil, let geometry = feature.geometry else { return }
      if let otherColumn, case .string(let text) = feature.attributes[otherColumn] {
        OSMTags.parse(text, into: &tags)
      }
      let (forward, backward) = profile.speeds(tags, speed: speed)
      guard forward != nil || backward != nil else { return }
      let points = geometry.lineStrings().first ?? []
      guard points.count >= 2 else { return }
      if let box,
        !points.contains(where: {
          $0.x >= box.minX && $0.x <= box.maxX && $0.y >= box.minY && $0.y <= box.maxY
        })
      {
        return
      }
      var id: Int64 = 0
      if let idColumn {
        switch feature.attributes[idColumn] {
        case .string(let text): id = Int64(text) ?? 0
        case .integer(let value): id = value
        default: break
        }
      }
      ways.append((id, tags["highway"]!, forward, backward, OSMTags.isAtGround(tags), points))
    }
    summary.waysUsed = ways.count
    guard !ways.isEmpty else {
      throw NetworkError.noWays(path: path, profile: profile.rawValue, box: box != nil)
    }
    let target = try crs ?? utmZone(of: ways.flatMap { [$0.points[0]] })
    let transformer = try Transformer(from: CRS.wgs84, to: target)
    // Vertices shared by ways (or twice by one) and the ends of ways are nodes.
    var uses: [SIMD2<Double>: Int] = [:]
    for way in ways {
      for point in way.points { uses[point, default: 0] += 1 }
      uses[way.points[0], default: 0] += 1
      uses[way.points[way.points.count - 1], default: 0] += 1
    }
    var nodeOfVertex: [SIMD2<Double>: Int] = [:]
    var nodes: [SIMD2<Double>] = []
    var edges: [StreetNetwork.Edge] = []
    func node(_ degrees: SIMD2<Double>, _ projected: SIMD2<Double>) -> Int {
      if let found = nodeOfVertex[degrees] { return found }
      nodeOfVertex[degrees] = nodes.count
      nodes.append(projected)
      return nodes.count - 1
    }
    for way in ways {
      var xs = way.points.map(\.x)
      var ys = way.points.map(\.y)
      try transformer.transform(xs: &xs, ys: &ys)
      let projected = zip(xs, ys).map { SIMD2($0, $1) }
      var start = 0
      for index in 1..<way.points.count
      where index == way.points.count - 1 || (uses[way.points[index]] ?? 0) >= 2 {
        let drawing = Array(projected[start...index])
        var length = 0.0
        for (a, b) in zip(drawing, drawing.dropFirst()) { length += (b - a).length }
        if length > 0 {
          edges.append(
            StreetNetwork.Edge(
              from: node(way.points[start], projected[start]),
              to: node(way.points[index], projected[index]), length: length,
              forward: way.forward.map { length / $0 } ?? .infinity,
              backward: way.backward.map { length / $0 } ?? .infinity, wayID: way.id,
              highway: way.highway, points: drawing, atGround: way.atGround))
        }
        start = index
      }
    }
    let network = StreetNetwork(
      profile: profile,
      accessSpeed: profile == .car
        ? StreetProfile.walk.defaultSpeed : speed ?? profile.defaultSpeed,
      crs: target.definition, nodes: nodes, edges: edges)
    summary.pieceSizes = network.pieces().sizes
    return (network, summary, target)
  }

  /// The WGS 84 UTM zone (EPSG:326xx north, 327xx south) of the points' centre.
  static func utmZone(of points: [SIMD2<Double>]) throws -> CRS {
    let lon = points.map(\.x).reduce(0, +) / Double(points.count)
    let lat = points.map(\.y).reduce(0, +) / Double(points.count)
    let zone = min(60, max(1, Int(((lon + 180) / 6).rounded(.down)) + 1))
    return try CRS("EPSG:\(lat >= 0 ? 32_600 + zone : 32_700 + zone)")
  }
}

extension SIMD2 where Scalar == Double {
  /// The Euclidean length.
  var length: Double { (x * x + y * y).squareRoot() }
}
