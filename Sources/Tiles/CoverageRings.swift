import GeoCore

/// The open rings of a layer's polygons in one array of points, in reading order
/// (feature, polygon, ring), for `CoverageNoding` and `SharedBorders`.
///
/// Ring r is `points[pointStart[r]..<pointStart[r + 1]]`, polygon p's rings are
/// `ringStart[p]..<ringStart[p + 1]`, feature f's polygons
/// `polygonStart[f]..<polygonStart[f + 1]`. A ring is open (its first point is
/// not repeated at its end), has no two equal consecutive points and at least
/// three points.
///
/// Held flat from the moment the features are read because nested arrays per
/// ring (and an open copy of each, and the noding's copies of the vertices
/// beside them) were the peak of tiling 8,750 communes of 1.5 million vertices:
/// about 75 MB of heap, 25 of them rings (heaptrack).
struct CoverageRings: Sendable {
  /// Every ring's points, one ring after the other.
  private(set) var points: [SIMD2<Double>] = []
  /// Where each ring starts in `points`, and the end of the last one.
  private(set) var pointStart: [Int32] = [0]
  /// Where each polygon's rings start, and the end of the last one.
  private(set) var ringStart: [Int32] = [0]
  /// Where each feature's polygons start, and the end of the last one.
  private(set) var polygonStart: [Int32] = [0]
  /// Per feature: whether it is polygonal (a feature whose rings were all left
  /// out is polygonal with no polygons).
  private(set) var polygonal: [Bool] = []

  /// The number of rings.
  var ringCount: Int { pointStart.count - 1 }

  /// Where ring `r` is in `points`.
  func range(ofRing r: Int) -> Range<Int> { Int(pointStart[r])..<Int(pointStart[r + 1]) }

  /// No rings.
  init() {}

  /// The rings of every polygonal feature of `features`, opened, without repeated
  /// consecutive points, those of fewer than three points left out. Each
  /// feature's polygons are emptied (`.polygons([])`) once copied, so the nested
  /// arrays are let go one by one while the flat ones grow.
  init(taking features: inout [TileFeature]) {
    var total = 0
    for feature in features {
      guard case .polygons(let polygons) = feature.geometry else { continue }
      for rings in polygons { for ring in rings { total += ring.count } }
    }
    // Room for the vertices noding inserts on edges (`insert(_:)`), so that they
    // are inserted in place; room never filled is not resident (large blocks
    // are mapped on their own).
    points.reserveCapacity(total + total / 2)
    polygonal.reserveCapacity(features.count)
    polygonStart.reserveCapacity(features.count + 1)
    // The nested arrays let go are small blocks in the allocator's arenas,
    // which keep their pages; the flat array is one mapped block beside them.
    // Their pages are given back every `releaseEvery` points copied, so the
    // points are held about once, not twice: the 6.2 million vertices of 35,000
    // communes peaked at 267 MiB here without it.
    let releaseEvery = 1 << 20
    var released = 0
    for f in features.indices {
      guard case .polygons(let polygons) = features[f].geometry else {
        polygonal.append(false)
        polygonStart.append(Int32(ringStart.count - 1))
        continue
      }
      features[f].geometry = .polygons([])
      polygonal.append(true)
      for rings in polygons {
        for ring in rings { appendOpen(ring) }
        ringStart.append(Int32(pointStart.count - 1))
      }
      polygonStart.append(Int32(ringStart.count - 1))
      if points.count - released >= releaseEvery {
        FreedMemory.release()
        released = points.count
      }
    }
  }

  /// Rings given as features → polygons → rings (open, at least three points),
  /// `nil` for a feature that is not polygonal; kept as they are.
  init(nested features: [[[[SIMD2<Double>]]]?]) {
    for polygons in features {
      polygonal.append(polygons != nil)
      for rings in polygons ?? [] {
        for ring in rings {
          points.append(contentsOf: ring)
          pointStart.append(Int32(points.count))
        }
        ringStart.append(Int32(pointStart.count - 1))
      }
      polygonStart.append(Int32(ringStart.count - 1))
    }
  }

  /// The rings as features → polygons → rings, `nil` for a feature that is not polygonal.
  var nested: [[[[SIMD2<Double>]]]?] {
    polygonal.indices.map { f in
      guard polygonal[f] else { return nil }
      return (Int(polygonStart[f])..<Int(polygonStart[f + 1])).map { p in
        (Int(ringStart[p])..<Int(ringStart[p + 1])).map { Array(points[range(ofRing: $0)]) }
      }
    }
  }

  /// Appends `ring` opened and without repeated consecutive points, unless fewer
  /// than three points are left.
  private mutating func appendOpen(_ ring: [SIMD2<Double>]) {
    let start = points.count
    for point in ring where points.count == start || point != points[points.count - 1] {
      points.append(point)
    }
    while points.count - start > 1 && points[start] == points[points.count - 1] {
      points.removeLast()
    }
    guard points.count - start >= 3 else {
      points.removeLast(points.count - start)
      return
    }
    precondition(points.count < Int32.max, "more vertices than the border index holds")
    pointStart.append(Int32(points.count))
  }

  /// Calls `body` with the points to change in place; rings keep their bounds.
  mutating func withPoints<Result>(
    _ body: (UnsafeMutableBufferPointer<SIMD2<Double>>) throws -> Result
  ) rethrows -> Result {
    try points.withUnsafeMutableBufferPointer { try body($0) }
  }

  /// Removes repeated consecutive points (the last and the first included), then
  /// rings left with fewer than three points, and polygons left without rings.
  /// The points move down in place.
  mutating func removeRepeats() {
    var newPointStart: [Int32] = [0]
    var newRingStart: [Int32] = [0]
    var newPolygonStart: [Int32] = [0]
    newPointStart.reserveCapacity(pointStart.count)
    newRingStart.reserveCapacity(ringStart.count)
    newPolygonStart.reserveCapacity(polygonStart.count)
    var written = 0
    let pointStart = self.pointStart
    let ringStart = self.ringStart
    let polygonStart = self.polygonStart
    points.withUnsafeMutableBufferPointer { points in
      for f in 0..<(polygonStart.count - 1) {
        for p in Int(polygonStart[f])..<Int(polygonStart[f + 1]) {
          for r in Int(ringStart[p])..<Int(ringStart[p + 1]) {
            // Never ahead of the point being read: the moves are safe in place.
            let start = written
            for k in Int(pointStart[r])..<Int(pointStart[r + 1]) {
              let point = points[k]
              if written == start || point != points[written - 1] {
                points[written] = point
                written += 1
              }
            }
            while written - start > 1 && points[start] == points[written - 1] { written -= 1 }
            if written - start >= 3 {
              newPointStart.append(Int32(written))
            } else {
              written = start
            }
          }
          if Int(newRingStart[newRingStart.count - 1]) < newPointStart.count - 1 {
            newRingStart.append(Int32(newPointStart.count - 1))
          }
        }
        newPolygonStart.append(Int32(newRingStart.count - 1))
      }
    }
    // Removing from the end keeps the array's room for `insert(_:)`.
    points.removeLast(points.count - written)
    self.pointStart = newPointStart
    self.ringStart = newRingStart
    self.polygonStart = newPolygonStart
  }

  /// Inserts each entry's points after the point at `after` (in its ring: after
  /// a ring's last point is before the ring's end); `insertions` are sorted by
  /// `after`, each position at most once. Points move up in place when the
  /// array has the room (`init(taking:)` reserves it).
  mutating func insert(_ insertions: [(after: Int, points: [SIMD2<Double>])]) {
    let added = insertions.reduce(0) { $0 + $1.points.count }
    guard added > 0 else { return }
    let oldCount = points.count
    precondition(oldCount + added < Int32.max, "more vertices than the border index holds")
    points.append(contentsOf: repeatElement(.zero, count: added))
    points.withUnsafeMutableBufferPointer { points in
      var write = oldCount + added
      var next = insertions.count - 1
      var read = oldCount
      while read > 0 {
        read -= 1
        while next >= 0 && insertions[next].after == read {
          for point in insertions[next].points.reversed() {
            write -= 1
            points[write] = point
          }
          next -= 1
        }
        write -= 1
        points[write] = points[read]
      }
    }
    // A ring's start moves up by the points inserted before it.
    var shift = 0
    var next = 0
    for r in 1..<pointStart.count {
      while next < insertions.count && insertions[next].after < Int(pointStart[r]) {
        shift += insertions[next].points.count
        next += 1
      }
      pointStart[r] += Int32(shift)
    }
  }
}
