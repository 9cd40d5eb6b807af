import GeoCore

/// The columns that describe a grid cell in a written grid (`col`, `row`, then
/// the square's corners and INSPIRE identifier or the hexagon's centre), as
/// attribute values for GDAL and PostGIS, or as CSV text written straight into
/// the output bytes.
///
/// Why two forms: the attribute array of a row, allocated and destroyed for
/// each of millions of cells, cost about as much as formatting it (perf,
/// `territory interpolate` of 2.4 million cells to CSV); the CSV form writes the
/// same values as `CSVTableFile` formats the attributes, without the array.
struct GridRowFormat: Sendable {
  let shape: GridShape

  /// The cell columns' fields.
  var fields: [Field] {
    var fields = [Field(name: "col", type: .integer), Field(name: "row", type: .integer)]
    switch shape {
    case .square(let grid):
      fields += ["x_min", "y_min", "x_max", "y_max"].map { Field(name: $0, type: .real) }
      if grid.inspire { fields.append(Field(name: "inspire_id", type: .string)) }
    case .hexagon:
      fields += ["x", "y"].map { Field(name: $0, type: .real) }
    }
    return fields
  }

  /// The attributes of cell `key` followed by `values`, in one allocation.
  func attributes(_ key: TargetKey, _ values: [FieldValue]) -> [FieldValue] {
    var attributes: [FieldValue] = []
    attributes.reserveCapacity(7 + values.count)
    attributes.append(.integer(Int64(key.column)))
    attributes.append(.integer(Int64(key.row)))
    switch shape {
    case .square(let grid):
      let box = grid.envelope(column: key.column, row: key.row)
      attributes.append(.real(box.minX))
      attributes.append(.real(box.minY))
      attributes.append(.real(box.maxX))
      attributes.append(.real(box.maxY))
      if grid.inspire {
        attributes.append(.string(grid.inspireIdentifier(column: key.column, row: key.row)))
      }
    case .hexagon(let grid):
      let centre = grid.centre(column: key.column, row: key.row)
      attributes.append(.real(centre.x))
      attributes.append(.real(centre.y))
    }
    attributes.append(contentsOf: values)
    return attributes
  }

  /// Appends the CSV line of `attributes(batch.key(index), batch.values(index))`
  /// (with its line end).
  func appendCSVLine(_ batch: some GridRowBatch, _ index: Int, to bytes: inout [UInt8]) {
    let key = batch.key(index)
    DecimalText.appendInteger(Int64(key.column), to: &bytes)
    bytes.append(UInt8(ascii: ","))
    DecimalText.appendInteger(Int64(key.row), to: &bytes)
    switch shape {
    case .square(let grid):
      let box = grid.envelope(column: key.column, row: key.row)
      for corner in [box.minX, box.minY, box.maxX, box.maxY] {
        bytes.append(UInt8(ascii: ","))
        CSVTableFile.appendField(.real(corner), to: &bytes)
      }
      if grid.inspire {
        bytes.append(UInt8(ascii: ","))
        CSVTableFile.appendField(
          .string(grid.inspireIdentifier(column: key.column, row: key.row)), to: &bytes)
      }
    case .hexagon(let grid):
      let centre = grid.centre(column: key.column, row: key.row)
      bytes.append(UInt8(ascii: ","))
      CSVTableFile.appendField(.real(centre.x), to: &bytes)
      bytes.append(UInt8(ascii: ","))
      CSVTableFile.appendField(.real(centre.y), to: &bytes)
    }
    batch.appendCSVValues(index, to: &bytes)
    bytes.append(UInt8(ascii: "\n"))
  }
}

/// One batch of grid cells and their values, as `TableWriter.writeGridInBatches`
/// writes them.
public protocol GridRowBatch: Sendable {
  /// The rows in the batch.
  var count: Int { get }
  /// The cell of row `index`.
  func key(_ index: Int) -> TargetKey
  /// The values of row `index`, one per value field.
  func values(_ index: Int) -> [FieldValue]
  /// Appends the CSV text of `values(index)`, each value preceded by a comma.
  func appendCSVValues(_ index: Int, to bytes: inout [UInt8])
}

extension GridRowBatch {
  /// Formats `values(index)`.
  public func appendCSVValues(_ index: Int, to bytes: inout [UInt8]) {
    for value in values(index) {
      bytes.append(UInt8(ascii: ","))
      CSVTableFile.appendField(value, to: &bytes)
    }
  }
}

extension ValueTable: GridRowBatch {
  /// The rows.
  public var count: Int { rows.count }
  /// The key of row `index`.
  public func key(_ index: Int) -> TargetKey { rows[index].key }
  /// The values of row `index`.
  public func values(_ index: Int) -> [FieldValue] { rows[index].values }
}
