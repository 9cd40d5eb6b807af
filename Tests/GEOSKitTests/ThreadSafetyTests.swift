import Foundation
import GEOSKit
import GeoCore
import Synchronization
import Testing

@Suite("GEOS on several threads")
struct ThreadSafetyTests {
  /// A fixed workload: overlay, buffer and validity on geometries built from text.
  static func workload(_ seed: Int) throws -> [Double] {
    var results: [Double] = []
    for index in 0..<200 {
      let offset = Double((index * 7 + seed) % 13) / 10
      let a = try Geometry(wkt: "POLYGON ((0 0, 3 0, 3 3, 0 3, 0 0))")
      let b = try Geometry(wkt: "POLYGON ((\(offset) 1, 4 1, 4 4, \(offset) 4, \(offset) 1))")
      results.append(try a.intersection(with: b).area)
      results.append(try a.union(with: b).buffer(0.5, quadrantSegments: 8).area)
      _ = try? Geometry(wkt: "POLYGON ((0 0")  // errors on every thread at once
      results.append(try Geometry(wkt: "POLYGON ((0 0, 2 2, 2 0, 0 2, 0 0))").makeValid().area)
    }
    return results
  }

  @Test func sameAnswersOnEightThreads() throws {
    let expected = try Self.workload(0)
    let results = Mutex<[[Double]]>([])
    DispatchQueue.concurrentPerform(iterations: 8) { _ in
      let values = (try? Self.workload(0)) ?? []
      results.withLock { $0.append(values) }
    }
    let all = results.withLock { $0 }
    #expect(all.count == 8)
    for values in all { #expect(values == expected) }
  }
}
