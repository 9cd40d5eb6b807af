internal import CGEOS
import GeoCore

/// A static R-tree of envelopes (Sort-Tile-Recursive packing, `GEOSSTRtree_*_r`)
/// that answers "which items may touch this box" in logarithmic time.
///
/// Items are identified by their position in the array given to `init`. The tree is
/// built once; GEOS packs it on the first query, so it is not `Sendable`.
public final class STRTree {
  private let handle: OpaquePointer
  private let owner: GEOSContext
  /// The number of items in the tree.
  public let count: Int

  /// Builds a tree over `envelopes`; item `i` is `envelopes[i]`.
  /// - Parameter nodeCapacity: children per node (GEOS's usual 10 is a good default).
  public init(envelopes: [Envelope], nodeCapacity: Int = 10) {
    let context = GEOSContext.current
    handle = GEOSSTRtree_create_r(context.handle, max(2, nodeCapacity))!
    owner = context
    count = envelopes.count
    context.liveObjects.add(1, ordering: .relaxed)
    for (index, envelope) in envelopes.enumerated() {
      // GEOS copies the envelope of the geometry into the tree node, so the
      // rectangle may be destroyed right after. Items are index + 1 (never NULL).
      let box = Geometry.rectangle(envelope)
      GEOSSTRtree_insert_r(
        context.handle, handle, box.handle, UnsafeMutableRawPointer(bitPattern: index + 1))
    }
  }

  deinit {
    GEOSSTRtree_destroy_r(owner.handle, handle)
    owner.liveObjects.subtract(1, ordering: .relaxed)
  }

  /// The items whose envelope intersects `envelope`, in ascending order.
  public func query(_ envelope: Envelope) -> [Int] {
    final class Hits { var items: [Int] = [] }
    let hits = Hits()
    let box = Geometry.rectangle(envelope)
    let context = GEOSContext.current
    GEOSSTRtree_query_r(
      context.handle, handle, box.handle,
      { item, userData in
        let hits = Unmanaged<Hits>.fromOpaque(userData!).takeUnretainedValue()
        hits.items.append(Int(bitPattern: item) - 1)
      }, Unmanaged.passUnretained(hits).toOpaque())
    return withExtendedLifetime(box) { hits.items.sorted() }
  }
}
