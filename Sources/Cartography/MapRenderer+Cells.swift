import GeoCore
import PROJKit
import Style

extension MapRenderer {
  /// Pixels apart of the points projected exactly when the map's CRS is not
  /// the grid's; the points between are interpolated bilinearly, as GDAL's
  /// warper does: a projection is close to linear over 16 pixels of a map
  /// (`MapCellsTests` compares with the cells' polygons projected vertex by
  /// vertex and drawn by Cairo).
  static let projectedEvery = 16

  /// Sets each pixel of `layer` to the class colour of the grid cell under its
  /// centre (the no-data colour for a cell without a value; the page's white
  /// where there is no cell, or transparent over a relief). `map` takes a page
  /// point to the map's CRS.
  /// - Throws: `MapError.cannotDraw` when the map's CRS cannot be projected
  ///   to the grid's.
  static func fillCells(
    _ cells: MapCells, spec: MapSpec, layer: Canvas,
    map: (SIMD2<Double>) -> SIMD2<Double>
  ) throws(MapError) {
    let (width, height) = layer.pixelSize
    guard width > 0, height > 0 else { return }
    // The grid's point of every `step`-th pixel centre, in both directions.
    let step = projectedEvery
    let across = (width - 1) / step + 2
    let down = (height - 1) / step + 2
    var xs: [Double] = []
    var ys: [Double] = []
    xs.reserveCapacity(across * down)
    ys.reserveCapacity(across * down)
    for row in 0..<down {
      for column in 0..<across {
        let point = map(
          layer.pagePoint(pixelX: Double(column * step) + 0.5, pixelY: Double(row * step) + 0.5))
        xs.append(point.x)
        ys.append(point.y)
      }
    }
    do {
      try project(xs: &xs, ys: &ys, from: spec.crs, to: cells.crs)
    } catch {
      throw .cannotDraw(
        path: "", reason: "the grid's cells cannot be placed on the map: \(error.description)")
    }
    let classColours = spec.colours.map(Canvas.pixel)
    let noData = Canvas.pixel(spec.noDataColour)
    // Where there is no cell: the white page, opaque, unless a relief lies
    // under the cells. A transparent pixel is black under its mask in a PDF,
    // and viewers that shrink the image blend that black into the edge of
    // the cells.
    let blank = spec.background == nil ? Canvas.pixel(Colour(red: 1, green: 1, blue: 1)) : 0
    let values = cells.values
    layer.setPixels { row, pixels in
      let band = row / step
      let v = Double(row - band * step) / Double(step)
      for column in 0..<width {
        let cell = column / step
        let u = Double(column - cell * step) / Double(step)
        let a = band * across + cell
        let b = a + across
        let x = (1 - v) * ((1 - u) * xs[a] + u * xs[a + 1]) + v * ((1 - u) * xs[b] + u * xs[b + 1])
        let y = (1 - v) * ((1 - u) * ys[a] + u * ys[a + 1]) + v * ((1 - u) * ys[b] + u * ys[b + 1])
        guard let slot = cells.slot(at: SIMD2(x, y)) else {
          pixels[column] = blank
          continue
        }
        pixels[column] =
          values[slot].map {
            classColours[Classification.classIndex(of: $0, breaks: spec.breaks)]
          } ?? noData
      }
    }
  }

  /// The points in place from `source` to `target`; a point that cannot be
  /// projected becomes NaN (no cell).
  private static func project(
    xs: inout [Double], ys: inout [Double], from source: CRS, to target: CRS
  ) throws(PROJError) {
    if source.isEquivalent(to: target) { return }
    let transformer = try Transformer(from: source, to: target)
    let (keptX, keptY) = (xs, ys)
    do {
      try transformer.transform(xs: &xs, ys: &ys)
    } catch {
      for index in xs.indices {
        let point = try? transformer.transform(x: keptX[index], y: keptY[index])
        xs[index] = point?.x ?? .nan
        ys[index] = point?.y ?? .nan
      }
    }
  }
}
