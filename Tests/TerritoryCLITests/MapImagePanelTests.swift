import Foundation
import Testing

/// Maps of many polygons: on PDF and SVG pages the polygons are one image at
/// print resolution, and that image shows what the PNG drawing of the same map
/// shows (a different path through Cairo, read back by other programs).
@Suite("territory map of many polygons")
struct MapImagePanelTests {
  /// 150 x 150 squares of 0.0005° near Olinda, `v` the column (0-149):
  /// 22,500 polygons, over `MapRenderer.imageThreshold`.
  static func squares(in folder: URL) throws -> String {
    var features: [String] = []
    for row in 0..<150 {
      for column in 0..<150 {
        let west = -34.9 + Double(column) * 0.0005
        let south = -8.05 + Double(row) * 0.0005
        let (east, north) = (west + 0.0005, south + 0.0005)
        features.append(
          #"{"type":"Feature","properties":{"v":\#(column)},"geometry":{"type":"Polygon","coordinates":[[[\#(west),\#(south)],[\#(east),\#(south)],[\#(east),\#(north)],[\#(west),\#(north)],[\#(west),\#(south)]]]}}"#
        )
      }
    }
    let path = folder.appendingPathComponent("squares.geojson").path
    try Data(
      (#"{"type":"FeatureCollection","features":["# + features.joined(separator: ",") + "]}").utf8
    ).write(to: URL(fileURLWithPath: path))
    return path
  }

  /// The pixels of a binary PPM (P6, 8 bits), as width, height and RGB bytes.
  static func ppm(_ path: String) throws -> (width: Int, height: Int, rgb: [UInt8]) {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    var fields: [Int] = []
    var index = 2
    while fields.count < 3 {
      while bytes[index] == 0x20 || bytes[index] == 0x0A { index += 1 }
      var value = 0
      while bytes[index] >= 0x30 && bytes[index] <= 0x39 {
        value = value * 10 + Int(bytes[index] - 0x30)
        index += 1
      }
      fields.append(value)
    }
    #expect(Array(bytes[0..<2]) == Array("P6".utf8) && fields[2] == 255)
    return (fields[0], fields[1], Array(bytes[(index + 1)...]))
  }

  static func run(_ executable: String, _ arguments: [String]) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
  }

  @Test func pdfAndSVGDrawManyPolygonsAsOneImageThatMatchesThePNG() throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let squares = try Self.squares(in: folder)
    for format in ["pdf", "svg", "png"] {
      let result = try Territory.runArray([
        "map", squares, "--column", "v", "--title", "Squares", "--dpi", "72", "-o",
        folder.appendingPathComponent("map.\(format)").path,
      ])
      #expect(result.status == 0, "\(result.error)")
    }
    // The vector pages hold one image, not 22,500 paths.
    let svg = try String(contentsOf: folder.appendingPathComponent("map.svg"), encoding: .utf8)
    #expect(svg.components(separatedBy: "<image").count - 1 == 1)
    #expect(svg.components(separatedBy: "<path").count - 1 < 500)
    let pdf = try Data(contentsOf: folder.appendingPathComponent("map.pdf"))
    #expect(String(decoding: pdf, as: UTF8.self).contains("/Subtype /Image"))
    #expect(pdf.count < 2_000_000)
    // Poppler's rendering of the PDF against Cairo's PNG, both at 72 dpi
    // (842 x 595 pixels): the same picture, but for antialiased edges and text.
    #expect(
      try Self.run(
        "/usr/bin/pdftoppm",
        [
          "-r", "72", "-singlefile", folder.appendingPathComponent("map.pdf").path,
          folder.appendingPathComponent("pdf").path,
        ]) == 0)
    #expect(
      try Self.run(
        "/usr/bin/gdal_translate",
        [
          "-q", "-of", "PNM", "-b", "1", "-b", "2", "-b", "3",
          folder.appendingPathComponent("map.png").path,
          folder.appendingPathComponent("png.ppm").path,
        ]) == 0)
    let fromPDF = try Self.ppm(folder.appendingPathComponent("pdf.ppm").path)
    let fromPNG = try Self.ppm(folder.appendingPathComponent("png.ppm").path)
    // 841.89 x 595.28 points: Poppler rounds the height up, Cairo to nearest,
    // and the two place the page a pixel or two apart.
    #expect(fromPDF.width == fromPNG.width && abs(fromPDF.height - fromPNG.height) <= 1)
    guard fromPDF.width == fromPNG.width else { return }
    // The choropleth covers the same box in both.
    func box(_ image: (width: Int, height: Int, rgb: [UInt8])) -> (Int, Int, Int, Int) {
      var (minX, minY, maxX, maxY) = (Int.max, Int.max, -1, -1)
      for y in 0..<image.height {
        for x in 0..<image.width {
          let pixel = image.rgb[(3 * (y * image.width + x))..<(3 * (y * image.width + x) + 3)]
          // Choropleth colours are far from white and grey; text and legend
          // swatches are outside the map's frame, on the right.
          guard pixel.max()! - pixel.min()! > 60, x < image.width * 2 / 3 else { continue }
          (minX, minY) = (min(minX, x), min(minY, y))
          (maxX, maxY) = (max(maxX, x), max(maxY, y))
        }
      }
      return (minX, minY, maxX, maxY)
    }
    let (pdfBox, pngBox) = (box(fromPDF), box(fromPNG))
    #expect(pngBox.2 - pngBox.0 > 400 && pngBox.3 - pngBox.1 > 400, "\(pngBox)")
    for (a, b) in [
      (pdfBox.0, pngBox.0), (pdfBox.1, pngBox.1), (pdfBox.2, pngBox.2), (pdfBox.3, pngBox.3),
    ] {
      #expect(abs(a - b) <= 4, "PDF \(pdfBox), PNG \(pngBox)")
    }
    // The five classes are five bands of columns: each band's colour, at its
    // middle, is the same in both.
    for band in 0..<5 {
      func colour(_ image: (width: Int, height: Int, rgb: [UInt8]), _ box: (Int, Int, Int, Int))
        -> [Int]
      {
        // The median of 9 x 9 pixels: Cairo's PNG of cells about a pixel wide
        // shows lighter seams here and there.
        let x = box.0 + (box.2 - box.0) * (2 * band + 1) / 10
        let y = (box.1 + box.3) / 2
        return (0..<3).map { channel in
          var values: [Int] = []
          for dy in -4...4 {
            for dx in -4...4 {
              values.append(Int(image.rgb[3 * ((y + dy) * image.width + x + dx) + channel]))
            }
          }
          return values.sorted()[values.count / 2]
        }
      }
      let (a, b) = (colour(fromPDF, pdfBox), colour(fromPNG, pngBox))
      #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 24 }, "band \(band): PDF \(a), PNG \(b)")
    }
  }
}
