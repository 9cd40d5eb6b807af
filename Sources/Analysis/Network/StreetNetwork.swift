import GeoCore

/// A routable street network in a projected CRS: nodes where ways meet or end,
/// edges between them with their drawing, length and travel time each way.
public struct StreetNetwork: Sendable {
  /// One stretch of street between two nodes.
  public struct Edge: Sendable, Equatable {
    /// The node the drawing starts at.
    public var from: Int
    /// The node it ends at.
    public var to: Int
    /// Length in metres (along the drawing).
    public var length: Double
    /// Seconds from `from` to `to` (`infinity`: not allowed that way).
    public var forward: Double
    /// Seconds from `to` to `from` (`infinity`: not allowed that way).
    public var backward: Double
    /// The OpenStreetMap way it is part of.
    public var wayID: Int64
    /// The way's `highway` value.
    public var highway: String
    /// The drawing, in the network's CRS, from `from` to `to`.
    public var points: [SIMD2<Double>]
    /// Whether the way is at ground level: not a tunnel, a bridge, or on a
    /// `layer` other than 0. Places on the map are put on such ways.
    public var atGround = true

    /// Creates an edge.
    public init(
      from: Int, to: Int, length: Double, forward: Double, backward: Double, wayID: Int64,
      highway: String, points: [SIMD2<Double>], atGround: Bool = true
    ) {
      self.atGround = atGround
      self.from = from
      self.to = to
      self.length = length
      self.forward = forward
      self.backward = backward
      self.wayID = wayID
      self.highway = highway
      self.points = points
    }
  }

  /// The profile the times are for.
  public var profile: StreetProfile
  /// The speed (km/h) of the straight walks between a place and the network.
  public var accessSpeed: Double
  /// The network's CRS (projected, metres), as given (`EPSG:32635`).
  public var crs: String
  /// Each node's position.
  public var nodes: [SIMD2<Double>]
  /// The edges.
  public var edges: [Edge]

  /// Creates a network.
  public init(
    profile: StreetProfile, accessSpeed: Double, crs: String, nodes: [SIMD2<Double>],
    edges: [Edge]
  ) {
    self.profile = profile
    self.accessSpeed = accessSpeed
    self.crs = crs
    self.nodes = nodes
    self.edges = edges
  }

  /// The pieces the network falls into, ignoring directions: for each node its
  /// piece's number, pieces numbered from the largest; and each piece's size in
  /// nodes.
  public func pieces() -> (ofNode: [Int], sizes: [Int]) {
    var parent = Array(nodes.indices)
    func root(_ node: Int) -> Int {
      var node = node
      while parent[node] != node {
        parent[node] = parent[parent[node]]
        node = parent[node]
      }
      return node
    }
    for edge in edges where edge.forward.isFinite || edge.backward.isFinite {
      let (a, b) = (root(edge.from), root(edge.to))
      if a != b { parent[max(a, b)] = min(a, b) }
    }
    var sizeOfRoot: [Int: Int] = [:]
    for node in nodes.indices { sizeOfRoot[root(node), default: 0] += 1 }
    let order = sizeOfRoot.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
    var number: [Int: Int] = [:]
    for (index, entry) in order.enumerated() { number[entry.key] = index }
    return (nodes.indices.map { number[root($0)]! }, order.map(\.value))
  }
}

/// The network's outgoing arcs in compressed sparse rows: the arcs leaving node
/// `n` are `targets[offsets[n]..<offsets[n + 1]]`, with their seconds and edges.
struct OutgoingArcs {
  var offsets: [Int]
  var targets: [Int32]
  var seconds: [Double]

  init(_ network: StreetNetwork) {
    var counts = [Int](repeating: 0, count: network.nodes.count + 1)
    for edge in network.edges {
      if edge.forward.isFinite { counts[edge.from + 1] += 1 }
      if edge.backward.isFinite { counts[edge.to + 1] += 1 }
    }
    for index in 1..<counts.count { counts[index] += counts[index - 1] }
    offsets = counts
    var next = counts
    targets = [Int32](repeating: 0, count: counts.last ?? 0)
    seconds = [Double](repeating: 0, count: counts.last ?? 0)
    for edge in network.edges {
      if edge.forward.isFinite {
        targets[next[edge.from]] = Int32(edge.to)
        seconds[next[edge.from]] = edge.forward
        next[edge.from] += 1
      }
      if edge.backward.isFinite {
        targets[next[edge.to]] = Int32(edge.from)
        seconds[next[edge.to]] = edge.backward
        next[edge.to] += 1
      }
    }
  }
}

/// Dijkstra's algorithm from several sources at once over `OutgoingArcs`, with
/// a binary heap: each node's time from the nearest source and which source.
enum ShortestPaths {
  /// `starts`: (node, seconds already spent, source number). Nodes farther
  /// than `limit` seconds stay at infinity.
  static func fromNearest(
    _ arcs: OutgoingArcs, nodeCount: Int, starts: [(node: Int, seconds: Double, source: Int)],
    limit: Double = .infinity
  ) -> (seconds: [Double], source: [Int32]) {
    var best = [Double](repeating: .infinity, count: nodeCount)
    var source = [Int32](repeating: -1, count: nodeCount)
    var heap = MinHeap()
    for start in starts where start.seconds < best[start.node] && start.seconds <= limit {
      best[start.node] = start.seconds
      source[start.node] = Int32(start.source)
      heap.push(start.seconds, start.node)
    }
    while let (seconds, node) = heap.pop() {
      guard seconds <= best[node] else { continue }
      for arc in arcs.offsets[node]..<arcs.offsets[node + 1] {
        let next = Int(arcs.targets[arc])
        let reached = seconds + arcs.seconds[arc]
        if reached < best[next] && reached <= limit {
          best[next] = reached
          source[next] = source[node]
          heap.push(reached, next)
        }
      }
    }
    return (best, source)
  }
}

/// A binary min-heap of (seconds, node), stale entries skipped by the caller.
struct MinHeap {
  private var keys: [Double] = []
  private var values: [Int] = []

  mutating func push(_ key: Double, _ value: Int) {
    keys.append(key)
    values.append(value)
    var child = keys.count - 1
    while child > 0 {
      let parent = (child - 1) / 2
      guard keys[child] < keys[parent] else { break }
      keys.swapAt(child, parent)
      values.swapAt(child, parent)
      child = parent
    }
  }

  mutating func pop() -> (Double, Int)? {
    guard let top = keys.first else { return nil }
    let value = values[0]
    let lastKey = keys.removeLast()
    let lastValue = values.removeLast()
    if !keys.isEmpty {
      keys[0] = lastKey
      values[0] = lastValue
      var parent = 0
      while true {
        let left = 2 * parent + 1
        let right = left + 1
        var smallest = parent
        if left < keys.count && keys[left] < keys[smallest] { smallest = left }
        if right < keys.count && keys[right] < keys[smallest] { smallest = right }
        if smallest == parent { break }
        keys.swapAt(parent, smallest)
        values.swapAt(parent, smallest)
        parent = smallest
      }
    }
    return (top, value)
  }
}
