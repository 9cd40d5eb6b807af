/// Numbers appended as ASCII decimal text to a byte buffer, without a `String`
/// in between: the CSV and GeoJSON writers format millions of numbers, and a
/// heap-allocated `String` per number (`description` of a real longer than 15
/// characters) cost about a third of the formatting (perf, 2.4 million cells
/// written as CSV).
public enum DecimalText {
  /// Appends `number` in base 10 (`-` before a negative one).
  @inlinable
  public static func appendInteger(_ number: Int64, to bytes: inout [UInt8]) {
    if number < 0 { bytes.append(UInt8(ascii: "-")) }
    var rest = number.magnitude
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
      var first = 20
      repeat {
        first -= 1
        digits[first] = UInt8(ascii: "0") + UInt8(rest % 10)
        rest /= 10
      } while rest > 0
      bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[first...]))
    }
  }

  /// Appends `number` as Swift's `description` writes it (the shortest text that
  /// reads back as the same `Double`), or nothing when it is not finite.
  @inlinable
  public static func appendShortest(_ number: Double, to bytes: inout [UInt8]) {
    guard number.isFinite else { return }
    var stream = ByteStream(bytes: [])
    swap(&stream.bytes, &bytes)
    number.write(to: &stream)
    swap(&stream.bytes, &bytes)
  }

  /// A text stream onto bytes: `Double.write(to:)` hands its digits to
  /// `_writeASCII` straight from the stack, where `description` builds a `String`.
  @usableFromInline
  struct ByteStream: TextOutputStream {
    @usableFromInline var bytes: [UInt8]

    @inlinable init(bytes: [UInt8]) { self.bytes = bytes }

    @inlinable mutating func write(_ string: String) { bytes.append(contentsOf: string.utf8) }

    @inlinable mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
      bytes.append(contentsOf: buffer)
    }
  }
}
