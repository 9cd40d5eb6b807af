import Foundation
import GeoCore
import PROJKit
import Synchronization
import Testing

@Suite("Transformer")
struct TransformerTests {
  @Test func parisToLambert93() throws {
    let transformer = try Transformer(from: CRS("EPSG:4326"), to: CRS("EPSG:2154"))
    let (x, y) = try transformer.transform(x: 2.3522, y: 48.8566)
    // PROJ's own cs2cs (`echo 48.8566 2.3522 | cs2cs EPSG:4326 EPSG:2154`) gives
    // 652 469.023 m E, 6 862 035.259 m N; the round figures often quoted for central
    // Paris (652 297, 6 861 636) are within 500 m of it.
    #expect(abs(x - 652_469.023) < 0.001)
    #expect(abs(y - 6_862_035.259) < 0.001)
    #expect(abs(x - 652_297) < 500 && abs(y - 6_861_636) < 500)
    let back = try Transformer(from: CRS("EPSG:2154"), to: CRS("EPSG:4326"))
    let (lon, lat) = try back.transform(x: x, y: y)
    #expect(abs(lon - 2.3522) < 1e-9)
    #expect(abs(lat - 48.8566) < 1e-9)
  }

  @Test("a thread's kept transformer: one per pair and thread, let go when the thread ends")
  func perThread() throws {
    let wgs84 = try CRS("EPSG:4326")
    let lambert = try CRS("EPSG:2154")
    let first = try Transformer.perThread(from: wgs84, to: lambert)
    #expect(try Transformer.perThread(from: wgs84, to: lambert) === first)
    #expect(try Transformer.perThread(from: lambert, to: wgs84) !== first)
    let (x, _) = try first.transform(x: 2.3522, y: 48.8566)
    #expect(abs(x - 652_469.023) < 0.001)
    // Made on a thread of its own, it is another one, and it is freed with that
    // thread (the context holds it, and it holds the context).
    final class Seen: @unchecked Sendable {
      weak var transformer: Transformer?
      var sameAsFirst = true
    }
    let seen = Seen()
    let firstIdentity = ObjectIdentifier(first)
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
      let made = try? Transformer.perThread(from: wgs84, to: lambert)
      seen.transformer = made
      seen.sameAsFirst = made.map(ObjectIdentifier.init) == firstIdentity
      done.signal()
    }
    thread.start()
    done.wait()
    #expect(!seen.sameAsFirst)
    // The thread's key destructor runs as it exits, just after the signal.
    var waited = 0
    while seen.transformer != nil && waited < 200 {
      Thread.sleep(forTimeInterval: 0.01)
      waited += 1
    }
    #expect(seen.transformer == nil)
  }

  @Test func axisOrderIsAlwaysLongitudeFirst() throws {
    // EPSG:4326 declares latitude first; the transformer takes longitude first anyway.
    let toMercator = try Transformer(from: CRS("EPSG:4326"), to: CRS("EPSG:3857"))
    let (x, y) = try toMercator.transform(x: 180, y: 0)
    #expect(abs(x - 20_037_508.342789244) < 1e-6)
    #expect(abs(y) < 1e-6)
  }

  @Test func olindaToUTM25South() throws {
    // Olinda's historic centre, about 34.855 W 8.01 S, lies in UTM zone 25 south.
    let transformer = try Transformer(from: CRS("EPSG:4674"), to: CRS("EPSG:31985"))
    let (x, y) = try transformer.transform(x: -34.855, y: -8.01)
    #expect((290_000...300_000).contains(x))
    #expect((9_110_000...9_120_000).contains(y))
  }

  @Test func bulkAgreesWithSinglePoints() throws {
    let transformer = try Transformer(from: CRS("EPSG:4326"), to: CRS("EPSG:3035"))
    var xs = stride(from: -5.0, through: 25, by: 1.5).map { $0 }
    var ys = xs.map { 40 + $0 / 3 }
    let singles = try zip(xs, ys).map { try transformer.transform(x: $0, y: $1) }
    try transformer.transform(xs: &xs, ys: &ys)
    for (index, single) in singles.enumerated() {
      #expect(xs[index] == single.x)
      #expect(ys[index] == single.y)
    }
  }

  @Test func boundsFollowCurvedEdges() throws {
    let transformer = try Transformer(from: CRS("EPSG:4326"), to: CRS("EPSG:2154"))
    let box = Envelope(minX: -5, minY: 42, maxX: 8, maxY: 51)
    let projected = try transformer.transformBounds(box)
    // The densified box holds the transformed middle of the northern edge, which
    // bulges beyond the corners in Lambert-93.
    let middle = try transformer.transform(x: 1.5, y: 51)
    #expect(projected.maxY >= middle.y)
    let corners = try [(-5.0, 42.0), (8, 42), (-5, 51), (8, 51)].map {
      try transformer.transform(x: $0.0, y: $0.1)
    }
    for corner in corners {
      #expect(
        projected.contains(Envelope(minX: corner.x, minY: corner.y, maxX: corner.x, maxY: corner.y))
      )
    }
  }

  @Test func pointsOutsideTheDomainThrow() throws {
    let transformer = try Transformer(from: CRS("EPSG:4326"), to: CRS("EPSG:3857"))
    #expect(throws: PROJError.self) { try transformer.transform(x: 0, y: 91) }
    #expect(throws: PROJError.self) { try transformer.transform(x: .nan, y: 0) }
    var xs = [0.0, 10, .nan]
    var ys = [0.0, 10, 0]
    #expect(throws: PROJError.self) { try transformer.transform(xs: &xs, ys: &ys) }
  }

  @Test func sameAnswersOnEightThreads() throws {
    @Sendable func run() throws -> [Double] {
      let transformer = try Transformer(from: CRS("EPSG:4326"), to: CRS("EPSG:2154"))
      return try (0..<500).flatMap { index in
        let p = try transformer.transform(x: -4 + Double(index) / 50, y: 43 + Double(index) / 100)
        return [p.x, p.y]
      }
    }
    let expected = try run()
    let results = Mutex<[[Double]]>([])
    DispatchQueue.concurrentPerform(iterations: 8) { _ in
      let values = (try? run()) ?? []
      results.withLock { $0.append(values) }
    }
    for values in results.withLock({ $0 }) { #expect(values == expected) }
  }
}
