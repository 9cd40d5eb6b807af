import GeoCore
import Testing

@Suite("Envelope")
struct EnvelopeTests {
  @Test func boundsAreOrdered() {
    let box = Envelope(minX: 4, minY: 3, maxX: 0, maxY: -1)
    #expect(box == Envelope(minX: 0, minY: -1, maxX: 4, maxY: 3))
    #expect(box.width == 4 && box.height == 4 && box.area == 16)
  }

  @Test func unionIntersectsContains() {
    let a = Envelope(minX: 0, minY: 0, maxX: 2, maxY: 2)
    let b = Envelope(minX: 2, minY: 2, maxX: 3, maxY: 5)
    let c = Envelope(minX: 2.1, minY: 0, maxX: 3, maxY: 1)
    #expect(a.intersects(b))  // closed boxes: a shared corner counts
    #expect(!a.intersects(c))
    #expect(a.union(b) == Envelope(minX: 0, minY: 0, maxX: 3, maxY: 5))
    #expect(a.union(b).contains(a) && !a.contains(b))
    #expect(!Envelope(minX: .nan, minY: 0, maxX: 1, maxY: 1).isFinite)
    #expect(a.description == "0.0,0.0,2.0,2.0")
  }
}

@Suite("FieldValue")
struct FieldValueTests {
  @Test func numbersAndText() {
    #expect(FieldValue.integer(3).doubleValue == 3)
    #expect(FieldValue.real(0.5).doubleValue == 0.5)
    #expect(FieldValue.boolean(true).doubleValue == 1)
    #expect(FieldValue.string("3").doubleValue == nil)
    #expect(FieldValue.null.isNull && FieldValue.null.description == "")
    #expect(FieldValue.binary([0x0F, 0xA0]).description == "0FA0")
    #expect(FieldValue.integerList([1, 2]).description == "[1,2]")
  }

  @Test func geometryTypeKinds() {
    #expect(GeometryType.polygon.isPolygonal && GeometryType.multiPolygon.isPolygonal)
    #expect(GeometryType.polygon.promotedToMulti == .multiPolygon)
    #expect(GeometryType.geometryCollection.promotedToMulti == .geometryCollection)
  }
}
