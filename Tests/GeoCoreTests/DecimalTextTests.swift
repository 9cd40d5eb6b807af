import GeoCore
import Testing

/// Numbers appended as text read back as Swift's own text of them.
@Suite("Decimal text")
struct DecimalTextTests {
  @Test func integersAreWrittenAsStringWritesThem() {
    var generator = SeededGenerator(seed: 7)
    var numbers: [Int64] = [0, 1, -1, 9, 10, -10, 99_999_999, 100_000_000, .max, .min]
    for _ in 0..<10_000 {
      numbers.append(Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &generator))
    }
    for number in numbers {
      var bytes: [UInt8] = [UInt8(ascii: "x")]
      DecimalText.appendInteger(number, to: &bytes)
      #expect(String(decoding: bytes, as: UTF8.self) == "x" + String(number))
    }
  }

  @Test func realsAreWrittenAsDescriptionWritesThemAndReadBack() {
    var generator = SeededGenerator(seed: 11)
    var numbers: [Double] = [0, -0.0, 1, 0.1, 1e-300, 1e300, .pi, 26.31885096263843, .ulpOfOne]
    for _ in 0..<10_000 {
      numbers.append(Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &generator)))
    }
    for number in numbers where number.isFinite {
      var bytes: [UInt8] = [UInt8(ascii: ",")]
      DecimalText.appendShortest(number, to: &bytes)
      let text = String(decoding: bytes.dropFirst(), as: UTF8.self)
      #expect(text == number.description)
      #expect(Double(text) == number)
    }
    var bytes: [UInt8] = []
    DecimalText.appendShortest(.nan, to: &bytes)
    DecimalText.appendShortest(.infinity, to: &bytes)
    #expect(bytes.isEmpty)
  }
}
