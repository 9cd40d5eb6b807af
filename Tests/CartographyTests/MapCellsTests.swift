import Foundation
import GDALKit
import GeoCore
import PROJKit
import Testing

@testable import Cartography
@testable import Style

/// Grid cells drawn from their grid (`MapCells`) against the same cells drawn
/// as polygons by Cairo: wherever Cairo's pixel is one cell's colour alone
/// (inside a cell, away from its antialiased edges), the grid's drawing gives
/// the same colour, in the grid's CRS and in another.
@Suite("maps drawn from the grid")
struct MapCellsTests {
  /// 100 x 60 cells of 100 m near Olinda (SIRGAS 2000 / UTM 25S): every 13th
  /// cell missing (the page shows through), every 11th without a value.
  static let columns = 2_950..<3_050
  static let rows = 91_150..<91_210
  static func cells() -> (keys: [(column: Int, row: Int)], values: [Double?]) {
    var keys: [(column: Int, row: Int)] = []
    var values: [Double?] = []
    for row in rows {
      for column in columns where (row * 7 + column) % 13 != 0 {
        keys.append((column, row))
        values.append(
          (row * 3 + column) % 11 == 0 ? nil : Double((column - 2_950) + 2 * (row - 91_150)))
      }
    }
    return (keys, values)
  }

  static let breaks = [40.0, 80, 120, 160, 220]

  /// The corners of cell (`column`, `row`) of `lattice`, counter-clockwise.
  static func corners(_ lattice: MapCells.Lattice, column: Int, row: Int) -> [SIMD2<Double>] {
    switch lattice {
    case .squares(let origin, let size):
      let (x, y) = (origin.x + Double(column) * size, origin.y + Double(row) * size)
      return [SIMD2(x, y), SIMD2(x + size, y), SIMD2(x + size, y + size), SIMD2(x, y + size)]
    case .hexagons(let spacing):
      // As `HexGrid` places them (Analysis), written out again here.
      let radius = spacing / 3.0.squareRoot()
      let centre = SIMD2(
        Double(column) * spacing + (row & 1 == 1 ? spacing / 2 : 0), Double(row) * 1.5 * radius)
      return (0..<6).map { corner in
        let angle = Double.pi / 6 + Double(corner) * Double.pi / 3
        return centre + radius * SIMD2(cos(angle), sin(angle))
      }
    }
  }

  /// The two drawings of the cells, as PNG pixels (RGB, one array per band),
  /// and the page's width in pixels.
  static func drawBothWays(_ lattice: MapCells.Lattice, mapCRS: CRS) throws -> (
    polygons: [[Double]], cells: [[Double]], width: Int
  ) {
    let grid = try CRS("EPSG:31985")
    let (keys, values) = cells()
    let transformer = grid.isEquivalent(to: mapCRS) ? nil : try Transformer(from: grid, to: mapCRS)
    let features = try zip(keys, values).map { key, value in
      let points = corners(lattice, column: key.column, row: key.row)
      // Edges densified, so that Cairo's straight segments follow a curved
      // projected edge as closely as the grid's pixels do.
      var ring: [SIMD2<Double>] = []
      for (start, end) in zip(points, points.dropFirst() + [points[0]]) {
        for step in 0..<4 { ring.append(start + (end - start) * Double(step) / 4) }
      }
      ring.append(ring[0])
      if let transformer {
        ring = try ring.map { point in
          let moved = try transformer.transform(x: point.x, y: point.y)
          return SIMD2(moved.x, moved.y)
        }
      }
      return MapFeature(polygons: [[ring]], value: value)
    }
    let drawn = try MapCells(
      lattice: lattice, cells: keys, values: values, crs: grid, mapCRS: mapCRS)
    let colours = try Palette.forIndicator(named: "density").colours(breaks.count)
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "territory-cells-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    var pixels: [[[Double]]] = []
    var width = 0
    for panel in [MapPanel(features: features), MapPanel(features: [], cells: drawn)] {
      var spec = MapSpec(
        title: "Cells", legendTitle: "Value", breaks: breaks, colours: colours, crs: mapCRS,
        panels: [panel])
      spec.dpi = 100
      let path = folder.appendingPathComponent("map-\(pixels.count).png").path
      try MapRenderer.render(spec, to: path, policy: .overwrite)
      let image = try RasterDataset(path: path)
      width = image.width
      let window = RasterWindow(column: 0, row: 0, width: image.width, height: image.height)
      pixels.append(try (1...3).map { try image.read(band: $0, window: window) })
    }
    return (pixels[0], pixels[1], width)
  }

  /// The pixels inside a cell of the polygons' drawing (one colour of the
  /// legend, a class or no data, as are the 4 pixels around: not an edge,
  /// where Cairo's antialiasing and hairlines blend or bleed), how many of
  /// them the grid's drawing shows otherwise, and the pixels left white by
  /// the polygons (no cell there) that the grid's drawing fills with such a
  /// colour.
  static func compare(_ drawings: (polygons: [[Double]], cells: [[Double]]), width: Int) throws
    -> (flat: Int, differing: Int, spilled: Int)
  {
    let colours = try Palette.forIndicator(named: "density").colours(breaks.count)
    let legend = (colours + [Colour(red: 0.85, green: 0.85, blue: 0.85)]).map { colour in
      [colour.red, colour.green, colour.blue].map { Int(($0 * 255).rounded()) }
    }
    func packed(_ bands: [[Double]]) -> [Int] {
      bands[0].indices.map { Int(bands[0][$0]) << 16 | Int(bands[1][$0]) << 8 | Int(bands[2][$0]) }
    }
    let polygons = packed(drawings.polygons)
    let cells = packed(drawings.cells)
    // Cairo may round a channel one unit off the palette's.
    var legendColour: [Int: Bool] = [:]
    func isLegendColour(_ pixel: Int) -> Bool {
      if let known = legendColour[pixel] { return known }
      let channels = [pixel >> 16, (pixel >> 8) & 255, pixel & 255]
      let found = legend.contains { zip($0, channels).allSatisfy { abs($0 - $1) <= 1 } }
      legendColour[pixel] = found
      return found
    }
    let white = 0xFF_FFFF
    var flat = 0
    var differing = 0
    var spilled = 0
    for index in polygons.indices.dropFirst(width).dropLast(width) {
      let polygon = polygons[index]
      if isLegendColour(polygon) {
        guard polygons[index - 1] == polygon, polygons[index + 1] == polygon,
          polygons[index - width] == polygon, polygons[index + width] == polygon
        else { continue }
        flat += 1
        if cells[index] != polygon { differing += 1 }
      } else if polygon == white && isLegendColour(cells[index]) {
        spilled += 1
      }
    }
    return (flat, differing, spilled)
  }

  static let squares = MapCells.Lattice.squares(origin: .zero, size: 100)
  static let hexagons = MapCells.Lattice.hexagons(spacing: 100)

  @Test(arguments: [squares, hexagons])
  func cellsInTheGridsCRSMatchTheirPolygons(lattice: MapCells.Lattice) throws {
    let drawn = try Self.drawBothWays(lattice, mapCRS: try CRS("EPSG:31985"))
    let result = try Self.compare((drawn.polygons, drawn.cells), width: drawn.width)
    // The 5,538 cells cover over 100,000 pixels inside them at 100 dpi on an
    // A4 page (and the legend's boxes).
    #expect(result.flat > 100_000, "\(result)")
    #expect(result.differing == 0, "\(result)")
    #expect(result.spilled == 0, "\(result)")
  }

  @Test(arguments: [squares, hexagons])
  func cellsInAnotherCRSMatchTheirProjectedPolygons(lattice: MapCells.Lattice) throws {
    let drawn = try Self.drawBothWays(lattice, mapCRS: try CRS("EPSG:3857"))
    let result = try Self.compare((drawn.polygons, drawn.cells), width: drawn.width)
    // Cells placed by points projected every 16 pixels and interpolated
    // between: a pixel's centre lands in the same cell as with every point
    // projected, and the projected polygons follow curved edges too.
    #expect(result.flat > 100_000, "\(result)")
    #expect(Double(result.differing) <= 1e-4 * Double(result.flat), "\(result)")
    #expect(Double(result.spilled) <= 1e-4 * Double(result.flat), "\(result)")
  }

  @Test func aPixelTakesTheSquareUnderItsCentre() throws {
    let grid = try CRS("EPSG:31985")
    let cells = try MapCells(
      lattice: .squares(origin: SIMD2(50, 0), size: 100), cells: [(0, 0), (2, 1)],
      values: [1, nil], crs: grid, mapCRS: grid)
    #expect(cells.extent == Envelope(minX: 50, minY: 0, maxX: 350, maxY: 200))
    #expect(cells.slot(at: SIMD2(50, 0)) == 0)
    #expect(cells.slot(at: SIMD2(149.99, 99.99)) == 0)
    #expect(cells.slot(at: SIMD2(150, 50)) == nil)  // (1, 0): not a cell of the grid
    #expect(cells.slot(at: SIMD2(349, 150)) == 1)
    #expect(cells.slot(at: SIMD2(350, 150)) == nil)  // east of the box
    #expect(cells.slot(at: SIMD2(49.9, 50)) == nil)
    #expect(cells.slot(at: SIMD2(.nan, 50)) == nil)
  }

  @Test func aPixelTakesTheHexagonUnderItsCentre() throws {
    // Spacing 2√3: radius 2, rows 3 apart; (0, 0) at the origin, (0, 1) at
    // (√3, 3), (1, 0) at (2√3, 0), (-1, -1) at (-√3, -3).
    let root3 = 3.0.squareRoot()
    #expect(MapCells.hexagon(at: SIMD2(0.1, 1.9), spacing: 2 * root3) == (0, 0))
    #expect(MapCells.hexagon(at: SIMD2(root3, 3.1), spacing: 2 * root3) == (0, 1))
    #expect(MapCells.hexagon(at: SIMD2(2 * root3 - 0.1, -0.5), spacing: 2 * root3) == (1, 0))
    #expect(MapCells.hexagon(at: SIMD2(-root3, -2.2), spacing: 2 * root3) == (-1, -1))
    // Just inside the top corner of (0, 0), and just above it, in (0, 1) or (-1, 1).
    #expect(MapCells.hexagon(at: SIMD2(0, 1.99), spacing: 2 * root3) == (0, 0))
    #expect(MapCells.hexagon(at: SIMD2(0.01, 2.01), spacing: 2 * root3) == (0, 1))
    #expect(MapCells.hexagon(at: SIMD2(-0.01, 2.01), spacing: 2 * root3) == (-1, 1))
  }
}
