import GDALKit
import GeoCore
import PROJKit

extension RasterTileJob {
  /// The tiles of one zoom that hold data, 256 x 256 floats each (NaN: no data),
  /// for rasters too large to hold whole at the zoom that matches their pixels
  /// but mostly empty (a sparse GeoTIFF of 100,000 x 100,000 pixels): only the
  /// blocks GDAL says may hold data are warped, and lower zooms are averaged
  /// from the tiles that hold data, never from the empty expanse.
  struct SparseTiles {
    /// Tiles of 8 x 8 warped at once.
    static let block = 8

    var zoom: Int
    var tiles: [SIMD2<Int>: [Float]]

    /// The range of the values warped, `nil` when none holds data.
    var range: ClosedRange<Double>? {
      var low = Float.infinity
      var high = -Float.infinity
      for values in tiles.values {
        for value in values where !value.isNaN {
          low = min(low, value)
          high = max(high, value)
        }
      }
      return low <= high ? Double(low)...Double(high) : nil
    }

    /// The tiles with data at `zoom`, warped block by block from `source`
    /// (blocks over parts of `raster` never written are skipped); `nil` when
    /// more than `limit` tiles hold data, for which the dense paths are meant.
    static func warp(
      _ raster: RasterDataset, source: RasterDataset, plan: TilePlan, zoom: Int, resampling: String,
      assumedCRS: CRS?, toSource: Transformer?, limit: Int
    ) throws -> SparseTiles? {
      let range = plan.tiles(zoom)
      var tiles: [SIMD2<Int>: [Float]] = [:]
      // Blocks aligned on multiples of `block` tiles, the same whatever the extent.
      let firstX = range.x0 / block * block
      let firstY = range.y0 / block * block
      for bx in stride(from: firstX, to: range.x0 + range.columns, by: block) {
        for by in stride(from: firstY, to: range.y0 + range.rows, by: block) {
          let x0 = max(bx, range.x0)
          let y0 = max(by, range.y0)
          let columns = min(bx + block, range.x0 + range.columns) - x0
          let rows = min(by + block, range.y0 + range.rows) - y0
          let box = plan.box(zoom, x0, y0, columns, rows)
          let inSource = try toSource.map { try $0.transformBounds(box) } ?? box
          guard try raster.mayHoldData(band: 1, in: inSource) else { continue }
          let grid = ValueGrid(
            zoom: zoom, x0: x0, y0: y0, columns: columns, rows: rows,
            values: try source.warpedToWebMercator(
              band: 1, bounds: box, width: columns * 256, height: rows * 256,
              resampling: resampling, sourceCRS: assumedCRS))
          for row in 0..<rows {
            for column in 0..<columns {
              let values = grid.tile(column, row)
              guard values.contains(where: { !$0.isNaN }) else { continue }
              tiles[SIMD2(x0 + column, y0 + row)] = values
              if tiles.count > limit { return nil }
            }
          }
        }
      }
      return SparseTiles(zoom: zoom, tiles: tiles)
    }

    /// The tiles of the zoom below: each pixel the mean of the four it covers
    /// (those with data).
    func halved() -> SparseTiles {
      var parents: [SIMD2<Int>: [Float]] = [:]
      var counts: [SIMD2<Int>: [Float]] = [:]
      for (address, values) in tiles {
        let parent = SIMD2(address.x / 2, address.y / 2)
        var sum = parents[parent] ?? [Float](repeating: 0, count: 65_536)
        var count = counts[parent] ?? [Float](repeating: 0, count: 65_536)
        let left = (address.x % 2) * 128
        let top = (address.y % 2) * 128
        for line in 0..<256 {
          for pixel in 0..<256 {
            let value = values[line * 256 + pixel]
            guard !value.isNaN else { continue }
            let index = (top + line / 2) * 256 + left + pixel / 2
            sum[index] += value
            count[index] += 1
          }
        }
        parents[parent] = sum
        counts[parent] = count
      }
      for (parent, sum) in parents {
        let count = counts[parent]!
        parents[parent] = (0..<65_536).map { count[$0] > 0 ? sum[$0] / count[$0] : .nan }
      }
      return SparseTiles(zoom: zoom - 1, tiles: parents)
    }

    /// The addresses, at `target` above this zoom, of the tiles these cover.
    func addresses(at target: Int) -> [TileAddress] {
      let factor = 1 << (target - zoom)
      return tiles.keys.sorted { ($0.y, $0.x) < ($1.y, $1.x) }.flatMap { tile in
        (0..<(factor * factor)).map {
          TileAddress(z: target, x: tile.x * factor + $0 % factor, y: tile.y * factor + $0 / factor)
        }
      }
    }

    /// Tile `address` above this zoom, interpolated bilinearly from the tile it
    /// lies in and that tile's neighbours (so that tile edges match).
    func interpolated(_ address: TileAddress) -> [Float] {
      let factor = 1 << (address.z - zoom)
      let parent = SIMD2(address.x / factor, address.y / factor)
      var values = [Float](repeating: .nan, count: 9 * 65_536)
      for dy in -1...1 {
        for dx in -1...1 {
          guard let tile = tiles[parent &+ SIMD2(dx, dy)] else { continue }
          for line in 0..<256 {
            let start = ((dy + 1) * 256 + line) * 768 + (dx + 1) * 256
            values.replaceSubrange(
              start..<(start + 256), with: tile[(line * 256)..<(line * 256 + 256)])
          }
        }
      }
      let grid = ValueGrid(
        zoom: zoom, x0: parent.x - 1, y0: parent.y - 1, columns: 3, rows: 3, values: values)
      return grid.interpolated(zoom: address.z, x: address.x, y: address.y)
    }
  }
}
