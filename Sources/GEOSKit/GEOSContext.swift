internal import CGEOS
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One GEOS context handle, its error message and its cached WKB/WKT readers and writers.
///
/// GEOS's `_r` functions are re-entrant as long as each thread uses its own
/// context; `GEOSContext.current` hands every thread its own, created on first use
/// and released when the thread ends. Geometries keep the context that made them
/// alive (they are destroyed with it), but any thread's context may operate on
/// them: GEOS contexts hold only error handling and these cached helpers.
final class GEOSContext {
  let handle: GEOSContextHandle_t
  private let messages = MessageBox()
  /// Number of wrapped GEOS objects made on this context and not yet destroyed.
  let liveObjects = Atomic<Int>(0)

  private var wkbReaderHandle: OpaquePointer?
  private var wkbWriterHandle: OpaquePointer?
  private var wktReaderHandle: OpaquePointer?

  private final class MessageBox {
    var last: String?
  }

  init() {
    handle = GEOS_init_r()
    GEOSContext_setErrorMessageHandler_r(
      handle,
      { message, userData in
        guard let message, let userData else { return }
        Unmanaged<MessageBox>.fromOpaque(userData).takeUnretainedValue().last = String(
          cString: message)
      }, Unmanaged.passUnretained(messages).toOpaque())
  }

  deinit {
    if let wkbReaderHandle { GEOSWKBReader_destroy_r(handle, wkbReaderHandle) }
    if let wkbWriterHandle { GEOSWKBWriter_destroy_r(handle, wkbWriterHandle) }
    if let wktReaderHandle { GEOSWKTReader_destroy_r(handle, wktReaderHandle) }
    GEOS_finish_r(handle)
  }

  /// The calling thread's context.
  static var current: GEOSContext {
    if let pointer = pthread_getspecific(contextKey) {
      return Unmanaged<GEOSContext>.fromOpaque(pointer).takeUnretainedValue()
    }
    let context = GEOSContext()
    pthread_setspecific(contextKey, Unmanaged.passRetained(context).toOpaque())
    return context
  }

  /// Clears the last message before a call whose failure must be explained.
  func resetMessage() { messages.last = nil }

  /// The error for a failed call, carrying GEOS's own message.
  func error(_ operation: String) -> GEOSError {
    defer { messages.last = nil }
    return GEOSError(operation: operation, message: messages.last ?? "GEOS reported no message")
  }

  /// Runs a GEOS predicate, which returns 1 for true, 0 for false and 2 on
  /// exception; an exception throws with GEOS's message.
  /// The name is built only on failure: predicates run millions of times.
  @inline(__always)
  func evaluate(
    _ name: @autoclosure () -> String, _ call: (GEOSContextHandle_t) -> CChar
  ) throws(GEOSError) -> Bool {
    resetMessage()
    switch call(handle) {
    case 1: return true
    case 0: return false
    default: throw error("evaluate \(name())")
    }
  }

  var wkbReader: OpaquePointer {
    if let wkbReaderHandle { return wkbReaderHandle }
    let reader = GEOSWKBReader_create_r(handle)!
    wkbReaderHandle = reader
    return reader
  }

  var wkbWriter: OpaquePointer {
    if let wkbWriterHandle { return wkbWriterHandle }
    let writer = GEOSWKBWriter_create_r(handle)!
    // ISO WKB keeps Z in a form GDAL reads; 3 dimensions are written only when present.
    GEOSWKBWriter_setOutputDimension_r(handle, writer, 3)
    GEOSWKBWriter_setFlavor_r(handle, writer, Int32(GEOS_WKB_ISO.rawValue))
    wkbWriterHandle = writer
    return writer
  }

  var wktReader: OpaquePointer {
    if let wktReaderHandle { return wktReaderHandle }
    let reader = GEOSWKTReader_create_r(handle)!
    wktReaderHandle = reader
    return reader
  }
}

/// The thread-specific slot that holds each thread's context (released at thread exit).
private let contextKey: pthread_key_t = {
  var key = pthread_key_t()
  pthread_key_create(&key) { pointer in
    guard let pointer else { return }
    Unmanaged<GEOSContext>.fromOpaque(pointer).release()
  }
  return key
}()

/// Counts of live GEOS objects, for leak checks in tests and tools.
public enum GEOSDiagnostics {
  /// The number of geometries, prepared geometries and trees created on the
  /// calling thread that have not been released yet.
  public static var liveObjectsOnCurrentThread: Int {
    GEOSContext.current.liveObjects.load(ordering: .relaxed)
  }
}

/// The GEOS library in use.
public enum GEOSLibrary {
  /// GEOS's version (`3.11.1-CAPI-1.17.1`).
  public static var version: String { String(cString: GEOSversion()) }
}
