import Testing

@testable import WebServer

/// The `Range` header read as RFC 9110 says: one range served, unsatisfiable
/// ranges answered 416, anything else ignored for the whole file.
@Suite("Byte ranges")
struct ByteRangeTests {
  @Test func oneRangeIsServedAndClippedToTheFile() {
    #expect(ByteRange(header: "bytes=0-9", length: 100) == .partial(0...9))
    #expect(ByteRange(header: "bytes=90-200", length: 100) == .partial(90...99))
    #expect(ByteRange(header: "bytes=10-", length: 100) == .partial(10...99))
    #expect(ByteRange(header: "bytes=-30", length: 100) == .partial(70...99))
    #expect(ByteRange(header: "bytes=-300", length: 100) == .partial(0...99))
    #expect(ByteRange(header: "bytes=99-99", length: 100) == .partial(99...99))
    #expect(ByteRange(header: " bytes=5-6 ", length: 100) == .partial(5...6))
  }

  @Test func rangesPastTheEndAreUnsatisfiable() {
    #expect(ByteRange(header: "bytes=100-", length: 100) == .unsatisfiable)
    #expect(ByteRange(header: "bytes=100-200", length: 100) == .unsatisfiable)
    #expect(ByteRange(header: "bytes=-0", length: 100) == .unsatisfiable)
    #expect(ByteRange(header: "bytes=0-0", length: 0) == .unsatisfiable)
    #expect(ByteRange(header: "bytes=-5", length: 0) == .unsatisfiable)
  }

  @Test func malformedOrSeveralRangesGiveTheWholeFile() {
    for header in [
      nil, "bytes=9-3", "bytes=0-1,5-6", "items=0-9", "bytes=", "bytes=-", "bytes=a-b",
      "bytes=1-2-3", "bytes=+1-2", "bytes=99999999999999999999999-", "bytes=0x10-20", "0-9",
    ] {
      #expect(ByteRange(header: header, length: 100) == .whole, "\(header ?? "none")")
    }
  }
}
