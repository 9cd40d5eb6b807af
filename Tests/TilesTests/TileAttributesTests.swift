import GeoCore
import Testing

@testable import Tiles

@Suite("Attribute tables")
struct TileAttributesTests {
  let fields = [
    Field(name: "id", type: .integer64), Field(name: "share", type: .real),
    Field(name: "name", type: .string),
  ]

  @Test("rows read back as written: by type, with nulls")
  func roundTrip() {
    let rows: [[FieldValue]] = [
      [.integer(1), .real(0.5), .string("Olinda")],
      [.null, .real(-2), .null],
      [.integer(Int64.max), .null, .string("Recife")],
    ]
    var builder = TileAttributeTable.Builder(fields: fields)
    for row in rows { builder.append(row) }
    let table = builder.finish()
    #expect(table.count == 3)
    for (index, row) in rows.enumerated() {
      #expect(Array(TileAttributeRow(table: table, row: index)) == row)
      #expect(TileAttributeRow(table: table, row: index) == TileAttributeRow(row))
    }
    guard case .integers = table.columns[0], case .reals = table.columns[1],
      case .values = table.columns[2]
    else {
      Issue.record("columns not stored by type: \(table.columns)")
      return
    }
  }

  @Test("a value of another type than its field's keeps every value as it is")
  func mismatchedValue() {
    var builder = TileAttributeTable.Builder(fields: fields)
    builder.append([.integer(7), .real(1.5), .string("a")])
    builder.append([.real(7.25), .integer(2), .boolean(true)])
    builder.append([.null, .null, .null])
    let table = builder.finish()
    #expect(table[0, 0] == .integer(7))
    #expect(table[1, 0] == .real(7.25))
    #expect(table[2, 0] == .null)
    #expect(table[0, 1] == .real(1.5))
    #expect(table[1, 1] == .integer(2))
    #expect(table[1, 2] == .boolean(true))
    guard case .values = table.columns[0], case .values = table.columns[1] else {
      Issue.record("mixed columns should hold plain values")
      return
    }
  }

  @Test("setting a field changes that row only, and each field is visited in order")
  func setter() {
    var builder = TileAttributeTable.Builder(fields: fields)
    builder.append([.integer(1), .real(1), .string("x")])
    builder.append([.integer(2), .real(2), .string("y")])
    let table = builder.finish()
    var row = TileAttributeRow(table: table, row: 1)
    row[0] = .integer(40)
    #expect(Array(row) == [.integer(40), .real(2), .string("y")])
    #expect(table[1, 0] == .integer(2), "the table is not changed")
    var visited: [FieldValue] = []
    TileAttributeRow(table: table, row: 0).forEachValue { field, value in
      #expect(field == visited.count)
      visited.append(value)
    }
    #expect(visited == [.integer(1), .real(1), .string("x")])
  }
}
