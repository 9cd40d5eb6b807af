import GeoCore

/// Polygons too small to draw at a zoom, kept as pixel-sized squares ("dust")
/// instead of vanishing, as tippecanoe does: a layer of 20 m cells at zoom 8, or
/// of small ponds at zoom 5, stays visible with about the area it covers.
///
/// The small polygons of a layer are summed by the pixel (of a 256-pixel tile)
/// under their centre. The pixels are then walked along a Hilbert curve, so that
/// a remainder travels to a near pixel, carrying the area not yet drawn: a pixel
/// gets a square once the area carried reaches half a pixel, and a square takes
/// off one pixel's area. The squares of a layer and zoom thus cover the small
/// polygons' total area to within half a pixel, lie on the pixel grid (they never
/// overlap each other) and keep clusters where the polygons are. Each square
/// carries the id and attributes of the largest polygon of its pixel; its
/// accumulated fields (`--accumulate`) are the sums over every polygon it stands
/// for, so totals are kept. A layer whose small polygons add up to less than half
/// a pixel still gets one square, where most of their area is.
///
/// Which polygons become dust (`small`): those sharing no border with another
/// that are smaller than a quarter of a pixel, and, in a coverage (polygons
/// sharing borders), those that rounding left without area and that have no
/// drawn neighbour. A coverage's rounded polygons still tile its rounded outline
/// (shared corners round alike), so it needs dust only where a whole cluster
/// vanished; a square among drawn neighbours would overlap them. Where a square
/// still meets a drawn polygon of its layer in a tile, it yields to it
/// (`TileCutter.yielding`).
enum TileDust {
  /// One square standing for the small polygons around it.
  struct Square {
    /// The feature id it carries: that of the largest polygon of its pixel.
    var id: Int64
    /// That polygon's attributes, with the accumulated fields summed over every
    /// polygon the square stands for.
    var attributes: TileAttributeRow
    /// The square, in the zoom's tile units.
    var geometry: TileGeometry
    /// The square's box in unit-square coordinates.
    var bounds: Envelope
  }

  private struct Contribution {
    var position: UInt64
    var pixel: SIMD2<Int64>
    var feature: Int
    var area: Double
  }

  /// The dust squares of one layer at one zoom.
  /// - Parameters:
  ///   - features: the layer's features.
  ///   - areas: per feature, its area in unit-square units (`unitArea`).
  ///   - small: indices of the polygon features that vanish at this zoom and
  ///     share no border with a drawn polygon.
  ///   - scale: unit square to the zoom's tile units (extent · 2^z).
  ///   - pixel: tile units across a pixel (extent / 256).
  ///   - zoom: the zoom.
  ///   - accumulated: indices of the fields summed onto the squares.
  static func squares(
    features: [TileFeature], areas: [Double], small: [Int], scale: Double, pixel: Double,
    zoom: Int, accumulated: [Int]
  ) -> [Square] {
    guard !small.isEmpty else { return [] }
    let order = zoom + 8
    let last = (Int64(1) << Int64(order)) - 1
    var contributions = small.map { index -> Contribution in
      let box = features[index].bounds
      let centre = SIMD2((box.minX + box.maxX) / 2, (box.minY + box.maxY) / 2) * scale / pixel
      let pixel = SIMD2(
        min(last, max(0, Int64(centre.x.rounded(.down)))),
        min(last, max(0, Int64(centre.y.rounded(.down)))))
      return Contribution(
        position: HilbertCurve.position(x: UInt64(pixel.x), y: UInt64(pixel.y), order: order),
        pixel: pixel, feature: index,
        area: areas[index] * scale * scale)
    }
    contributions.sort {
      $0.position != $1.position ? $0.position < $1.position : $0.feature < $1.feature
    }

    let full = pixel * pixel
    var result: [Square] = []
    var carried = 0.0
    var pending = [FieldValue](repeating: .null, count: accumulated.count)
    var largestPixel: (area: Double, largest: Int)?
    var start = 0
    while start < contributions.count {
      var end = start
      var area = 0.0
      var largest = start
      while end < contributions.count
        && contributions[end].position == contributions[start].position
      {
        let c = contributions[end]
        area += c.area
        for (k, field) in accumulated.enumerated() {
          pending[k] = TileShedding.sum(pending[k], features[c.feature].attributes[field])
        }
        if c.area > contributions[largest].area { largest = end }
        end += 1
      }
      if largestPixel == nil || area > largestPixel!.area { largestPixel = (area, largest) }
      carried += area
      if carried >= full / 2 {
        carried -= full
        result.append(square(contributions[largest], features, pixel, scale, accumulated, pending))
        pending = pending.map { _ in .null }
      }
      start = end
    }
    if result.isEmpty, let best = largestPixel {
      result.append(
        square(contributions[best.largest], features, pixel, scale, accumulated, pending))
    } else if pending.contains(where: { $0 != .null }) {
      // What the last square's walk left over goes onto the last square.
      for (k, field) in accumulated.enumerated() {
        let attributes = result[result.count - 1].attributes
        result[result.count - 1].attributes[field] = TileShedding.sum(attributes[field], pending[k])
      }
    }
    return result
  }

  private static func square(
    _ contribution: Contribution, _ features: [TileFeature], _ pixel: Double, _ scale: Double,
    _ accumulated: [Int], _ sums: [FieldValue]
  ) -> Square {
    let feature = features[contribution.feature]
    var attributes = feature.attributes
    for (k, field) in accumulated.enumerated() { attributes[field] = sums[k] }
    let low = SIMD2<Double>(contribution.pixel) * pixel
    let high = low + pixel
    let ring = [low, SIMD2(high.x, low.y), high, SIMD2(low.x, high.y), low]
    return Square(
      id: feature.id, attributes: attributes, geometry: .polygons([[ring]]),
      bounds: Envelope(
        minX: low.x / scale, minY: low.y / scale, maxX: high.x / scale, maxY: high.y / scale))
  }

  /// The area of a polygonal geometry in its own units (unit-square units, or
  /// tile units for a shape at a zoom): exteriors less holes; 0 for other shapes.
  static func unitArea(_ geometry: TileGeometry) -> Double {
    guard case .polygons(let polygons) = geometry else { return 0 }
    var total = 0.0
    for rings in polygons {
      for (position, ring) in rings.enumerated() {
        let area = abs(ringArea(ring))
        total += position == 0 ? area : -area
      }
    }
    return max(0, total)
  }

  /// The signed area, from the first vertex (so that rounded tile units far from
  /// the origin still give an exact zero for a ring without area).
  private static func ringArea(_ ring: [SIMD2<Double>]) -> Double {
    guard ring.count >= 3 else { return 0 }
    let origin = ring[0]
    var sum = 0.0
    for k in 1..<(ring.count - 1) {
      let a = ring[k] - origin
      let b = ring[k + 1] - origin
      sum += a.x * b.y - b.x * a.y
    }
    return sum / 2
  }

  /// The area of a polygon shape at a zoom (rounded to tile units), in square
  /// tile units; `nil` for other shapes.
  static func drawnArea(_ shape: TileGeometry) -> Double? {
    guard case .polygons = shape else { return nil }
    return unitArea(shape)
  }

  /// The features of one layer that dust stands for at a zoom: polygons of a
  /// coverage (sharing borders) that have no area left and no drawn neighbour,
  /// and polygons sharing no border that are smaller than a quarter of a pixel.
  /// - Parameters:
  ///   - areas: per feature, `drawnArea` of its shape at the zoom.
  ///   - borders: per feature, `SharedBorders.borders(drawn:)` with the features
  ///     whose area is above 0 drawn.
  ///   - pixel: tile units across a pixel.
  static func small(
    areas: [Double?], borders: [(shared: Bool, drawnNeighbour: Bool)], pixel: Double
  ) -> [Int] {
    areas.indices.filter { index in
      guard let area = areas[index] else { return false }
      let (shared, drawnNeighbour) = borders[index]
      return shared ? area == 0 && !drawnNeighbour : area < pixel * pixel / 4
    }
  }
}
