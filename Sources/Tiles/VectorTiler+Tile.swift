import GDALKit
import GeoCore

/// One tile: its members cut into pieces, the pieces cleaned, shed to the
/// tile's limits, and encoded.
extension VectorTiler {
  /// Cuts, cleans, limits and encodes one tile. Its members are cut on
  /// `threads` threads (`cutAll`); the rest runs on the calling thread.
  func build(
    _ address: TileAddress, _ members: [Int], _ shapes: [ZoomLayer], compress: Bool,
    threads: Int = 1
  ) throws -> TileResult {
    let (kept, dropped, result) = cutAll(address, members, shapes, threads: threads)
    return try finish(kept: kept, dropped: dropped, result: result, compress: compress)
  }

  /// Cuts a tile's members on `threads` threads (in contiguous parts, joined in
  /// order: the same pieces for any number): the pieces kept, those too small to
  /// draw, and the counts so far.
  func cutAll(
    _ address: TileAddress, _ members: [Int], _ shapes: [ZoomLayer], threads: Int
  ) -> (kept: [TilePiece], dropped: [TilePiece], result: TileResult) {
    var parts = ParallelChunks.map(count: members.count, threads: threads, rangesPerThread: 4) {
      range in cut(address, members[range], shapes)
    }
    var result = TileResult()
    result.tooSmall = parts.reduce(0) { $0 + $1.tooSmall }
    result.repaired = parts.reduce(0) { $0 + $1.repaired }
    let kept = VectorTiler.joined(&parts, \.kept)
    let dropped = VectorTiler.joined(&parts, \.dropped)
    return (kept, dropped, result)
  }

  /// The pieces of some members of a tile, in the members' order.
  struct CutPart: Sendable {
    var kept: [TilePiece] = []
    var dropped: [TilePiece] = []
    var tooSmall = 0
    var repaired = 0
  }

  /// The pieces at `path` of all parts, in order, taken out of them (a part's
  /// pieces are not held twice).
  static func joined(
    _ parts: inout [CutPart], _ path: WritableKeyPath<CutPart, [TilePiece]>
  ) -> [TilePiece] {
    var pieces: [TilePiece] = []
    if parts.count == 1 {
      swap(&pieces, &parts[0][keyPath: path])
      return pieces
    }
    pieces.reserveCapacity(parts.reduce(0) { $0 + $1[keyPath: path].count })
    for index in parts.indices {
      pieces += parts[index][keyPath: path]
      parts[index][keyPath: path] = []
    }
    return pieces
  }

  /// Cuts `members` (layer << 32 | shape index) to the tile at `address`: the
  /// pieces kept, and the features too small to draw there.
  func cut(
    _ address: TileAddress, _ members: ArraySlice<Int>, _ shapes: [ZoomLayer]
  ) -> CutPart {
    let cutter = TileCutter(extent: options.extent, buffer: options.buffer, address: address)
    var result = CutPart()
    var kept: [TilePiece] = []
    var dropped: [TilePiece] = []
    for member in members {
      let layerIndex = member >> 32
      let index = member & 0xFFFF_FFFF
      let features = layers[layerIndex].features
      let dust = index >= features.count ? shapes[layerIndex].dust[index - features.count] : nil
      let (id, bounds) =
        dust.map { ($0.id, $0.bounds) } ?? (features[index].id, features[index].bounds)
      let attributes = dust?.attributes ?? features[index].attributes
      switch cutter.cut(shapes[layerIndex].shape(index)) {
      case .outside:
        continue
      case .degenerate:
        result.tooSmall += 1
        let scale = Double(options.extent) * Double(1 << address.z)
        let anchor = cutter.local(SIMD2(bounds.minX, bounds.minY) * scale)
        dropped.append(
          TilePiece(
            layer: layerIndex, id: id, shape: nil, anchor: anchor, size: 0,
            attributes: attributes))
      case .kept(let shape, let repaired):
        if repaired { result.repaired += 1 }
        var size = shape.size
        if case .points = shape { size = Double((index &* 2_654_435_761) & 0xFFFF) }
        var piece = TilePiece(
          layer: layerIndex, id: id, shape: shape, anchor: SIMD2<Double>(shape.anchor),
          size: size, attributes: attributes)
        piece.repaired = repaired
        piece.dust = dust != nil
        kept.append(piece)
      }
    }
    result.kept = kept
    result.dropped = dropped
    return result
  }

  /// Cleans a tile's cut pieces (repaired pieces and dust squares yield to their
  /// neighbours), sheds what its limits do not allow, and encodes it.
  /// The dust squares' yielding runs on `threads` threads (big tiles, built one
  /// at a time); the rest on the calling thread.
  func finish(
    kept: consuming [TilePiece], dropped: consuming [TilePiece], result: consuming TileResult,
    compress: Bool, threads: Int = 1
  ) throws -> TileResult {
    var kept = kept
    var dropped = dropped
    var result = result
    yieldRepaired(&kept, &dropped, &result)
    yieldDust(&kept, &dropped, threads: threads)
    if kept.count > options.probePieces {
      let ranked = TileShedding.ranked(kept)
      let (count, fitted) = try fitLargest(kept, ranked: ranked, compress: compress)
      let (keep, shed) = TileShedding.split(kept, keeping: ranked.prefix(count))
      result.droppedForLimits += shed.count
      dropped += shed
      kept = keep
      return try finishCarrying(
        kept: &kept, dropped: dropped, result: result, bytes: fitted, compress: compress)
    }
    var bytes = try encode(kept, compress: compress)
    var allowed = min(kept.count, options.limits.maxFeatures)
    while let current = bytes,
      kept.count > options.limits.maxFeatures || current.count > options.limits.maxBytes
    {
      let byBytes = Int(
        Double(kept.count) * Double(options.limits.maxBytes) / Double(current.count) * 0.95)
      allowed = max(0, min(allowed, byBytes, kept.count - 1))
      let (keep, shed) = TileShedding.keepLargest(kept, count: allowed)
      result.droppedForLimits += shed.count
      dropped += shed
      kept = keep
      bytes = try encode(kept, compress: compress)
    }
    return try finishCarrying(
      kept: &kept, dropped: dropped, result: result, bytes: bytes, compress: compress)
  }

  /// Carries the summed fields of the dropped pieces onto the kept ones (the tile
  /// is encoded again if any was carried) and completes the tile's result.
  private func finishCarrying(
    kept: inout [TilePiece], dropped: [TilePiece], result: TileResult, bytes: [UInt8]?,
    compress: Bool
  ) throws -> TileResult {
    var result = result
    var bytes = bytes
    if !dropped.isEmpty {
      let (carried, uncarried) = TileShedding.carry(dropped, onto: &kept, fields: accumulated)
      result.carried = carried
      result.uncarried = uncarried
      if carried != 0 { bytes = try encode(kept, compress: compress) }
    }
    result.bytes = bytes
    result.features = kept.count
    return result
  }

  /// How many of a full tile's largest pieces fit its limits, and that tile's
  /// bytes, found from the largest pieces up.
  ///
  /// Encoding (and compressing) every piece only to learn that a tile is many
  /// times over its limit was most of the serial time of a big tile: 105,000
  /// cells where 9,400 fit, 150,000 where 19,000 do. Here the largest
  /// `probePieces / 2` are encoded first. While a count fits, it is grown to what
  /// its size allows (all pieces when even the smaller ones costing as much would
  /// fit), as long as that adds at least 5%. Once a count is over, it is shrunk by
  /// the ratio of the limit to its size, as `finish` does, but never below a count
  /// known to fit. The pieces kept are the largest, ranked as
  /// `TileShedding.keepLargest` ranks them, so the tile does not depend on the
  /// number of threads.
  func fitLargest(
    _ pieces: [TilePiece], ranked: [Int], compress: Bool
  ) throws -> (count: Int, bytes: [UInt8]?) {
    let limits = options.limits
    let most = min(pieces.count, limits.maxFeatures)
    var count = min(most, max(1, options.probePieces / 2))
    var fitting: (count: Int, bytes: [UInt8]?)?
    var over = false
    while true {
      let largest = TileShedding.taken(pieces, keeping: ranked.prefix(count))
      let bytes = try encode(largest, compress: compress)
      let size = max(1, bytes?.count ?? 0)
      let allowed = Double(count) * Double(limits.maxBytes) / Double(size)
      if size <= limits.maxBytes {
        if over || count == most { return (count, bytes) }
        fitting = (count, bytes)
        // Grown while that adds at least 5%.
        let grown = allowed >= Double(most) ? most : Int(allowed * 0.95)
        if Double(grown) < Double(count) * 1.05 { return (count, bytes) }
        count = grown
        continue
      }
      over = true
      let next = max(0, min(Int(allowed * 0.95), count - 1))
      if let fitting, next <= fitting.count { return fitting }
      if next == 0 { return (0, nil) }
      count = next
    }
  }

  /// Makes each repaired polygon piece give up what its valid neighbours of the
  /// same layer cover (`TileCutter.yielding`); a piece left with nothing is too small.
  func yieldRepaired(
    _ kept: inout [TilePiece], _ dropped: inout [TilePiece], _ result: inout TileResult
  ) {
    guard result.repaired > 0 else { return }
    var boxes = kept.map(VectorTiler.box)
    var removed: [Int] = []
    for index in kept.indices where kept[index].repaired {
      guard case .polygons(let polygons)? = kept[index].shape else { continue }
      let box = boxes[index]
      let neighbours = kept.indices.compactMap { other -> [[[SIMD2<Int32>]]]? in
        guard other != index, !kept[other].repaired, !kept[other].dust,
          kept[other].layer == kept[index].layer,
          case .polygons(let shape)? = kept[other].shape
        else { return nil }
        let b = boxes[other]
        return b.x <= box.z && box.x <= b.z && b.y <= box.w && box.y <= b.w ? shape : nil
      }
      if let rest = TileCutter.yielding(polygons, to: neighbours) {
        kept[index].shape = .polygons(rest)
        kept[index].size = TileShape.polygons(rest).size
      } else {
        removed.append(index)
        boxes[index] = SIMD4(1, 1, 0, 0)
      }
    }
    for index in removed.reversed() {
      var piece = kept.remove(at: index)
      piece.shape = nil
      dropped.append(piece)
      result.tooSmall += 1
    }
  }

  /// Makes each dust square give up what the drawn polygons of its layer cover
  /// in the tile (`TileCutter.yielding`); a square left with nothing is dropped,
  /// and its summed fields go to the nearest kept feature.
  ///
  /// The squares are worked out on `threads` threads (the result does not depend
  /// on it): each is a union and a difference in GEOS, about 7 ms for a square of
  /// 16 tile units over 260 drawn cells of 105,000, and the big tiles of that grid
  /// at zooms 5-8 spent 0.36 s on one thread here.
  func yieldDust(_ kept: inout [TilePiece], _ dropped: inout [TilePiece], threads: Int = 1) {
    guard kept.contains(where: \.dust) else { return }
    let boxes = kept.map(VectorTiler.box)
    // The drawn polygons by cells of 256 tile units, so that a square meets only
    // the polygons near it.
    let cell: Int32 = 256
    var grid: [SIMD3<Int32>: [Int]] = [:]
    for (index, piece) in kept.enumerated() where !piece.dust {
      guard case .polygons? = piece.shape else { continue }
      let box = boxes[index]
      for x in (box.x / cell)...(box.z / cell) {
        for y in (box.y / cell)...(box.w / cell) {
          grid[SIMD3(Int32(piece.layer), x, y), default: []].append(index)
        }
      }
    }
    let squares = kept.indices.filter { kept[$0].dust }
    let pieces = kept
    let drawn = grid
    /// What is left of square `index`: its new rings, `[]` when nothing is, `nil`
    /// when no drawn polygon is near it.
    @Sendable func rest(_ index: Int) -> [[[SIMD2<Int32>]]]? {
      guard case .polygons(let polygons)? = pieces[index].shape else { return nil }
      let box = boxes[index]
      var near = Set<Int>()
      for x in (box.x / cell)...(box.z / cell) {
        for y in (box.y / cell)...(box.w / cell) {
          for other in drawn[SIMD3(Int32(pieces[index].layer), x, y)] ?? [] {
            let b = boxes[other]
            if b.x < box.z && box.x < b.z && b.y < box.w && box.y < b.w { near.insert(other) }
          }
        }
      }
      guard !near.isEmpty else { return nil }
      let neighbours = near.sorted().compactMap { other -> [[[SIMD2<Int32>]]]? in
        guard case .polygons(let shape)? = pieces[other].shape else { return nil }
        return shape
      }
      return TileCutter.yielding(polygons, to: neighbours) ?? []
    }
    let rests = ParallelChunks.map(squares, threads: threads, rangesPerThread: 4) { rest($0) }
    var removed: [Int] = []
    for (index, left) in zip(squares, rests) {
      guard let left else { continue }
      if left.isEmpty {
        removed.append(index)
      } else {
        kept[index].shape = .polygons(left)
        kept[index].size = TileShape.polygons(left).size
      }
    }
    for index in removed.reversed() {
      var piece = kept.remove(at: index)
      piece.shape = nil
      dropped.append(piece)
    }
  }

  /// The box of a polygon piece in tile units; an empty box (min above max) for
  /// other pieces.
  static func box(_ piece: TilePiece) -> SIMD4<Int32> {
    guard case .polygons(let polygons)? = piece.shape else { return SIMD4(1, 1, 0, 0) }
    var box = SIMD4<Int32>(.max, .max, .min, .min)
    for point in polygons.joined().joined() {
      box = SIMD4(
        min(box.x, point.x), min(box.y, point.y), max(box.z, point.x), max(box.w, point.y))
    }
    return box
  }

  /// The tile's bytes as stored, or `nil` when no piece is left.
  func encode(
    _ pieces: some Collection<TilePiece>, compress: Bool
  ) throws -> [UInt8]? {
    guard !pieces.isEmpty else { return nil }
    // The layers' encoders are let go before compressing: the features' bytes
    // are in the tile by then (6 MB on a tile of 105,000 cells).
    let tile = { () -> [UInt8] in
      var encoders = layers.map { layer in
        MVTLayerEncoder(
          name: layer.name, extent: options.extent, fieldNames: layer.fields.map(\.name))
      }
      for piece in pieces {
        guard let shape = piece.shape else { continue }
        encoders[piece.layer].add(id: piece.id, shape: shape, attributes: piece.attributes)
      }
      return MVTTile.encode(encoders)
    }()
    return compress ? try Gzip.compress(tile) : tile
  }
}
