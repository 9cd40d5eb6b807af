import Foundation
import GEOSKit
import GeoCore
import PROJKit
import TestFixtures
import Testing

@testable import Analysis

/// Street networks from OSM files made here: a lattice where every time is
/// known exactly, and single ways for the profiles' tag rules.
@Suite("Street networks")
struct NetworkTests {
  /// An equidistant cylindrical projection on a sphere of radius 20,000 km / π
  /// (the metre's first definition, an Earth-sized sphere), whose 0.0009° is
  /// exactly 100 m: a lattice of nodes 0.0009° apart (a multiple of the 1e-7°
  /// that GDAL's OSM driver keeps) is a lattice of streets 100 m apart.
  static let lattice = "+proj=eqc +R=6366197.723675814 +units=m +no_defs"

  /// An OSM XML file of `size` × `size` nodes at ((k + 0.5)·0.0009°, (j + 0.5)·0.0009°),
  /// a way per row and per column (residential), plus `extra` ways.
  static func latticeFile(size: Int, extra: String = "", in folder: URL) throws -> String {
    var xml = "<?xml version='1.0' encoding='UTF-8'?>\n<osm version='0.6'>\n"
    func id(_ k: Int, _ j: Int) -> Int { 1 + j * size + k }
    for j in 0..<size {
      for k in 0..<size {
        xml +=
          "<node id='\(id(k, j))' lat='\(Double(2 * j + 1) * 0.00045)' lon='\(Double(2 * k + 1) * 0.00045)'/>\n"
      }
    }
    var way = 1_000
    for j in 0..<size {
      way += 1
      xml += "<way id='\(way)'>"
      for k in 0..<size { xml += "<nd ref='\(id(k, j))'/>" }
      xml += "<tag k='highway' v='residential'/></way>\n"
    }
    for k in 0..<size {
      way += 1
      xml += "<way id='\(way)'>"
      for j in 0..<size { xml += "<nd ref='\(id(k, j))'/>" }
      xml += "<tag k='highway' v='residential'/></way>\n"
    }
    xml += extra + "</osm>\n"
    return try Fixtures.write(xml, to: "lattice.osm", in: folder)
  }

  @Test func latticeTimesAreManhattanDistanceOverSpeed() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = try Self.latticeFile(size: 9, in: folder)
    let (network, summary, _) = try NetworkBuilder.build(
      osm: path, profile: .walk, crs: try CRS(Self.lattice))
    #expect(summary.waysUsed == 18 && network.nodes.count == 81)
    #expect(network.edges.count == 2 * 9 * 8)
    #expect(summary.pieceSizes == [81])
    let speed = 4.8 / 3.6
    // Two stations on intersections; every intersection is a place.
    let stations = [SIMD2(250.0, 350.0), SIMD2(750.0, 650.0)]
    var places: [SIMD2<Double>] = []
    for j in 0..<9 {
      for k in 0..<9 { places.append(SIMD2(Double(k) * 100 + 50, Double(j) * 100 + 50)) }
    }
    let times = TravelTimes.compute(from: stations, to: places, network: network, maxSnap: 500)
    for (index, place) in places.enumerated() {
      let distances = stations.map { abs($0.x - place.x) + abs($0.y - place.y) }
      let expected = distances.min()! / speed
      let found = try #require(times.seconds[index])
      #expect(abs(found - expected) <= 1e-9 * max(1, expected), "\(place): \(found) vs \(expected)")
    }
    // A place between streets walks straight to the nearest one first.
    let between = TravelTimes.compute(
      from: [stations[0]], to: [SIMD2(280.0, 370.0)], network: network, maxSnap: 500)
    // Nearest street: x = 250 (30 m away) at y = 370, 20 m up from the station.
    let expected = (30.0 + 20.0) / speed
    #expect(abs(try #require(between.seconds[0]) - expected) <= 1e-9 * expected)
    // Beyond the limit, no time; beyond the snapping distance, off the network.
    let limited = TravelTimes.compute(
      from: [stations[0]], to: [SIMD2(850.0, 850.0), SIMD2(5_000.0, 5_000.0)], network: network,
      maxSnap: 500, limit: 60)
    #expect(limited.seconds == [nil, nil] && limited.offNetwork == 1)
  }

  /// Service areas on the lattice: nested across times, each point's on its
  /// own or split by the nearest, and the same whatever the thread count.
  @Test func serviceAreasAreNestedAndDoNotDependOnThreads() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = try Self.latticeFile(size: 9, in: folder)
    let (network, _, _) = try NetworkBuilder.build(
      osm: path, profile: .walk, crs: try CRS(Self.lattice))
    let points = [SIMD2(250.0, 350.0), SIMD2(750.0, 650.0), SIMD2(450.0, 50.0)]
    let (sources, off) = TravelTimes.place(
      points, on: network, snapper: NetworkSnapper(network), maxSnap: 500)
    #expect(off.isEmpty)
    let minutes = [1.0, 2.5, 5]
    let one = try ServiceAreas.ofEachSource(
      network: network, sources: sources, minutes: minutes, buffer: 20, threads: 1)
    #expect(one.map(\.minutes) == [1, 1, 1, 2.5, 2.5, 2.5, 5, 5, 5])
    for threads in [2, 3, 8] {
      let other = try ServiceAreas.ofEachSource(
        network: network, sources: sources, minutes: minutes, buffer: 20, threads: threads)
      #expect(other.map(\.shape) == one.map(\.shape), "\(threads) threads")
      #expect(other.map(\.length) == one.map(\.length))
    }
    // Within one minute at 4.8 km/h the first point, on an intersection, walks
    // 80 m along each of its four streets.
    #expect(abs(one[0].length - 320) < 1e-9)
    for source in 0..<3 {
      let own = one.filter { $0.source == source }
      for (inner, outer) in zip(own, own.dropFirst()) {
        let small = try Geometry.polygonal(try #require(inner.shape))
        let large = try Geometry.polygonal(try #require(outer.shape))
        #expect(try small.difference(large).area < 1e-6)
        #expect(inner.length < outer.length)
      }
    }
    let (best, nearest) = ShortestPaths.fromNearest(
      OutgoingArcs(network), nodeCount: network.nodes.count,
      starts: TravelTimes.starts(sources, network: network), limit: 300)
    let split = try ServiceAreas.areas(
      network: network, best: best, source: nearest, sources: sources, minutes: minutes,
      buffer: 20, threads: 1)
    let splitThreaded = try ServiceAreas.areas(
      network: network, best: best, source: nearest, sources: sources, minutes: minutes,
      buffer: 20, threads: 3)
    #expect(split.map(\.shape) == splitThreaded.map(\.shape))
    // Split by the nearest, no stretch is counted twice: the lengths add up
    // to at most the network's.
    let total = network.edges.reduce(0) { $0 + $1.length }
    #expect(split.filter { $0.minutes == 5 }.reduce(0) { $0 + $1.length } <= total + 1e-9)
  }

  @Test func bridgesCrossWithoutMeeting() throws {
    let folder = try Fixtures.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    // A bridge over the lattice's middle, from outside to outside, sharing no node.
    let bridge = """
      <node id='900' lat='0.00405' lon='-0.002'/><node id='901' lat='0.00405' lon='0.011'/>
      <way id='2000'><nd ref='900'/><nd ref='901'/><tag k='highway' v='primary'/><tag k='bridge' v='yes'/><tag k='layer' v='1'/></way>
      """
    let path = try Self.latticeFile(size: 9, extra: bridge, in: folder)
    let (network, summary, _) = try NetworkBuilder.build(
      osm: path, profile: .walk, crs: try CRS(Self.lattice))
    #expect(summary.pieceSizes == [81, 2])
    #expect(network.edges.count == 2 * 9 * 8 + 1)
  }

  @Test func profilesFollowTheirTags() {
    let oneway = ["highway": "residential", "oneway": "yes"]
    #expect(StreetProfile.walk.speeds(oneway) == (4.8 / 3.6, 4.8 / 3.6))
    #expect(StreetProfile.bike.speeds(oneway) == (15 / 3.6, nil))
    #expect(StreetProfile.car.speeds(oneway) == (30 / 3.6, nil))
    var contraflow = oneway
    contraflow["oneway:bicycle"] = "no"
    #expect(StreetProfile.bike.speeds(contraflow) == (15 / 3.6, 15 / 3.6))
    #expect(StreetProfile.bike.speeds(["highway": "primary", "oneway": "-1"]) == (nil, 15 / 3.6))
    #expect(
      StreetProfile.car.speeds(["highway": "primary", "maxspeed": "30 mph"]).forward == 30
        * 1.609_344 / 3.6)
    #expect(StreetProfile.car.speeds(["highway": "motorway"]) == (110 / 3.6, nil))
    #expect(
      StreetProfile.car.speeds(["highway": "roundabout", "junction": "roundabout"]) == (nil, nil))
    #expect(StreetProfile.walk.speeds(["highway": "motorway"]) == (nil, nil))
    #expect(StreetProfile.walk.speeds(["highway": "trunk"]) == (nil, nil))
    #expect(StreetProfile.walk.speeds(["highway": "trunk", "sidewalk": "both"]).forward != nil)
    #expect(StreetProfile.walk.speeds(["highway": "steps"]).forward != nil)
    #expect(StreetProfile.walk.speeds(["highway": "footway", "foot": "no"]) == (nil, nil))
    #expect(StreetProfile.car.speeds(["highway": "footway"]) == (nil, nil))
    #expect(StreetProfile.bike.speeds(["highway": "steps"]) == (nil, nil))
    #expect(StreetProfile.bike.speeds(["highway": "footway", "bicycle": "yes"]).forward != nil)
    #expect(StreetProfile.walk.speeds(["highway": "service", "access": "private"]) == (nil, nil))
    #expect(StreetProfile.walk.speeds(["highway": "residential"], speed: 3.6) == (1, 1))
  }

  @Test func otherTagsAreParsed() {
    var tags: [String: String] = [:]
    OSMTags.parse(#""oneway"=>"yes","name:fi"=>"Katu \"A\"","maxspeed"=>"30""#, into: &tags)
    #expect(tags == ["oneway": "yes", "name:fi": "Katu \"A\"", "maxspeed": "30"])
  }

  @Test func dijkstraAgreesWithEveryPairByBellmanFord() {
    // A small directed network with one-ways: Dijkstra from two sources
    // against Bellman–Ford relaxations.
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<20 {
      let count = 30
      let nodes = (0..<count).map { _ in
        SIMD2(
          Double.random(in: 0...1_000, using: &generator),
          Double.random(in: 0...1_000, using: &generator))
      }
      var edges: [StreetNetwork.Edge] = []
      for _ in 0..<70 {
        let a = Int.random(in: 0..<count, using: &generator)
        let b = Int.random(in: 0..<count, using: &generator)
        guard a != b else { continue }
        let length = ((nodes[a] - nodes[b]) * (nodes[a] - nodes[b])).sum().squareRoot()
        let oneway = Bool.random(using: &generator)
        edges.append(
          StreetNetwork.Edge(
            from: a, to: b, length: length, forward: length / 4,
            backward: oneway ? .infinity : length / 4,
            wayID: 1, highway: "residential", points: [nodes[a], nodes[b]]))
      }
      let network = StreetNetwork(
        profile: .bike, accessSpeed: 15, crs: "EPSG:3857", nodes: nodes, edges: edges)
      let (found, _) = ShortestPaths.fromNearest(
        OutgoingArcs(network), nodeCount: count, starts: [(0, 0, 0), (5, 10, 1)])
      var expected = [Double](repeating: .infinity, count: count)
      expected[0] = 0
      expected[5] = min(expected[5], 10)
      for _ in 0..<count {
        for edge in edges {
          expected[edge.to] = min(expected[edge.to], expected[edge.from] + edge.forward)
          expected[edge.from] = min(expected[edge.from], expected[edge.to] + edge.backward)
        }
      }
      for node in 0..<count {
        #expect(
          found[node] == expected[node] || abs(found[node] - expected[node]) < 1e-9, "\(node)")
      }
    }
  }
}
