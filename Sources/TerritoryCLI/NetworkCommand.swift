import ArgumentParser
import Foundation
import TerritoryKit

extension StreetProfile: ExpressibleByArgument {}

/// `territory network OSM_FILE --profile walk|bike|car -o NETWORK.gpkg [--bbox W,S,E,N] [--speed KMH] [--to-crs CRS]`.
struct NetworkCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "network",
    abstract: "A routable street network from an OpenStreetMap extract, stored for reuse.",
    discussion: """
      Reads the ways of an .osm.pbf or .osm file (GDAL's OSM driver), keeps those the profile \
      may use, splits them where they share a node (bridges and tunnels cross without one) \
      and writes NETWORK.gpkg: edges (length, seconds each way, OSM way id), nodes, and the \
      profile. walk: 4.8 km/h, one-ways ignored, no motorways; bike: 15 km/h, one-ways \
      respected unless contraflow; car: speeds per road class or maxspeed, one-ways \
      respected (the README lists the tags).

      Example:
        territory network helsinki.osm.pbf --profile walk -o out/helsinki_walk.gpkg
      """)

  @Argument(help: "The OpenStreetMap extract (.osm.pbf or .osm).")
  var osm: String

  @Option(help: "walk, bike or car.")
  var profile: StreetProfile

  @Option(name: [.short, .long], help: "The network's GeoPackage.")
  var output: String

  @Option(help: "Keep the ways reaching into west,south,east,north (degrees).")
  var bbox: String?

  @Option(help: "Speed in km/h, in place of the profile's.")
  var speed: Double?

  @Option(
    name: .customLong("to-crs"),
    help: "The network's CRS, projected in metres (default: the extract's UTM zone).")
  var toCRS: CRS?

  @OptionGroup var overwrite: OverwriteOption

  @OptionGroup var messages: QuietOption

  func run() throws {
    var box: Envelope?
    if let bbox {
      let parts = bbox.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
      guard parts.count == 4, let west = parts[0], let south = parts[1], let east = parts[2],
        let north = parts[3], west < east, south < north, west >= -180, east <= 180,
        south >= -90, north <= 90
      else { throw NetworkError.badBox(bbox) }
      box = Envelope(minX: west, minY: south, maxX: east, maxY: north)
    }
    let result = try Tools.network(
      osm: osm, profile: profile, crs: toCRS, box: box, speed: speed, output: output,
      policy: overwrite.policy)
    messages.say(
      "wrote \(output): \(result.edges) edges, \(result.nodes) nodes from \(result.summary.waysUsed) of \(result.summary.waysRead) ways (\(profile.rawValue), \(result.crs))"
    )
    let sizes = result.summary.pieceSizes
    if sizes.count > 1 {
      let shown = sizes.dropFirst().prefix(10).map(String.init).joined(separator: ", ")
      messages.say(
        "  the network falls into \(sizes.count) pieces: the largest has \(sizes[0]) nodes, the others \(shown)\(sizes.count > 11 ? ", …" : "") nodes"
      )
    }
  }
}

/// `territory reach POINTS --network NETWORK.gpkg (--minutes 5,10,15 | --grid M | --target FILE) -o OUT.gpkg`.
struct ReachCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "reach",
    abstract: "Travel time to the nearest point per grid cell, or each point's service areas.",
    discussion: """
      With --grid, every cell of a square grid over the network gets the minutes from the \
      nearest point (in time) to the network position nearest to its centre, plus the \
      straight walk from the centre to that position, in one multi-source pass; cells \
      farther than --max-snap from the network or than --max-minutes away are left empty. \
      With --minutes, each point gets its area per time: the edges and parts of edges it \
      reaches, buffered by --buffer metres and unioned (--nearest: the network split among \
      the points by which is nearest in time).

      Examples:
        territory reach stations.gpkg --network out/walk.gpkg --minutes 5,10,15 -o out/areas.gpkg
        territory reach stations.gpkg --network out/walk.gpkg --grid 100 -o out/times.gpkg
      """)

  @Argument(help: "The points.")
  var points: String

  @Option(name: [.short, .long], help: "The points' layer (first layer by default).")
  var layer: String?

  @Option(name: .customLong("source-crs"), help: "Assume the points are in this CRS.")
  var sourceCRS: CRS?

  @Option(help: "The network (territory network).")
  var network: String

  @Option(help: "Minutes of the service areas (comma-separated).")
  var minutes: String?

  @Option(help: "Cell size in metres: times per cell instead of areas.")
  var grid: Double?

  @Option(help: "A layer of zones or places: times per feature instead of areas.")
  var target: String?

  @Option(name: .customLong("target-layer"), help: "The layer of --target (first by default).")
  var targetLayer: String?

  @Option(name: .customLong("max-minutes"), help: "With --grid: cells farther away stay empty.")
  var maxMinutes: String?

  @Option(name: .customLong("max-snap"), help: "Metres a point or cell may be from the network.")
  var maxSnap = 500.0

  @Option(help: "Metres around the reached streets (service areas).")
  var buffer = 50.0

  @Flag(help: "Split the areas among the points by which is nearest in time.")
  var nearest = false

  @Option(name: [.short, .long], help: "The output GeoPackage.")
  var output: String

  @OptionGroup var overwrite: OverwriteOption

  @Option(
    help: ArgumentHelp(
      "With --minutes: polygons whose counts each area gets (residents reached).",
      valueName: "FILE"))
  var units: String?

  @Option(name: .customLong("units-layer"), help: "The layer of --units (default: the first).")
  var unitsLayer: String?

  @Option(help: "With --units: the count fields, comma-separated (V014,households).")
  var extensive: String?

  @Flag(name: .customLong("make-valid"), help: "Repair invalid unit geometries.")
  var makeValid = false

  @OptionGroup var jobs: JobsOption

  @OptionGroup var messages: QuietOption

  func validate() throws {
    if (units == nil) != (extensive == nil) {
      throw ValidationError("--units and --extensive go together: the layer and its count fields")
    }
    if units != nil, minutes == nil {
      throw ValidationError("--units gives counts to service areas: use it with --minutes")
    }
    if [minutes != nil, grid != nil, target != nil].filter({ $0 }).count != 1 {
      throw ValidationError(
        "give one of --minutes (service areas), --grid (times per cell) or --target (times per zone)"
      )
    }
    if !(maxSnap > 0) { throw ValidationError("--max-snap must be a positive number of metres") }
    if !(buffer > 0) { throw ValidationError("--buffer must be a positive number of metres") }
    // Minutes are checked here, so that bad ones are a usage error (exit 64).
    do {
      if let minutes { _ = try Self.parseMinutes(minutes) }
      if let maxMinutes { _ = try Self.parseMinutes(maxMinutes) }
    } catch let error as NetworkError {
      throw ValidationError(error.description)
    }
  }

  static func parseMinutes(_ text: String) throws -> [Double] {
    let values = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    guard !values.isEmpty else { throw NetworkError.badMinutes(text) }
    return try values.map { value in
      guard let number = Double(value), number.isFinite, number > 0, number <= 240 else {
        throw NetworkError.badMinutes(value)
      }
      return number
    }
  }

  func run() throws {
    let mode: ReachJob.Mode =
      try grid.map { .grid($0) } ?? target.map { .target($0, layer: targetLayer) }
      ?? .minutes(Self.parseMinutes(minutes ?? ""))
    var job = ReachJob(points: points, network: network, output: output, mode: mode)
    job.layer = layer
    job.sourceCRS = sourceCRS
    job.policy = overwrite.policy
    job.maxSnap = maxSnap
    job.buffer = buffer
    job.nearest = nearest
    job.threads = jobs.threads
    if let units, let extensive {
      var request = SourceRequest(path: units, layer: unitsLayer)
      request.extensive = extensive.split(separator: ",").map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      request.makeValid = makeValid
      job.units = request
    }
    job.maxMinutes = try maxMinutes.map { try Self.parseMinutes($0)[0] }
    let summary = try Tools.reach(job)
    switch mode {
    case .grid, .target:
      let what = grid == nil ? "features" : "cells"
      messages.say(
        "wrote \(output): \(summary.written) \(what), \(summary.reached) with a time from the nearest of \(summary.points) points"
      )
      if summary.offNetwork > 0 {
        messages.say(
          "  \(summary.offNetwork) \(what) lie farther than \(Int(maxSnap)) m from the network")
      }
    case .minutes:
      messages.say("wrote \(output): \(summary.written) areas of \(summary.points) points")
      for balance in summary.balances {
        messages.say(
          "  \(balance.variable): \(String(format: "%.3f", balance.totalIn)) in the units; areas overlap, so their sum (\(String(format: "%.3f", balance.totalOut))) is not a total"
        )
      }
    }
    if !summary.pointsOnSmallPieces.isEmpty {
      messages.say(
        "  points on a piece cut off from the main network (\(summary.pieceSizes.count) pieces): \(summary.pointsOnSmallPieces.joined(separator: ", "))"
      )
    }
  }
}
