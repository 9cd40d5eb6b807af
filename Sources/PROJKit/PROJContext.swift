internal import CPROJ

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One PROJ context per thread, with network access and grid downloads switched
/// off and PROJ's log captured instead of printed.
///
/// A `PJ` belongs to the context that made it, so every wrapper keeps its
/// context alive; `PROJContext.current` gives each thread its own.
final class PROJContext {
  let handle: OpaquePointer
  private let log = LogBox()
  /// This thread's transformers by CRS pair (`Transformer.perThread`).
  var transformers: [String: Transformer] = [:]

  private final class LogBox {
    var last: String?
  }

  init() {
    handle = proj_context_create()
    // Results must not depend on what happens to be downloadable: no network, no grid cache.
    proj_context_set_enable_network(handle, 0)
    proj_grid_cache_set_enable(handle, 0)
    proj_log_level(handle, PJ_LOG_ERROR)
    proj_log_func(
      handle, Unmanaged.passUnretained(log).toOpaque(),
      { userData, _, message in
        guard let userData, let message else { return }
        Unmanaged<LogBox>.fromOpaque(userData).takeUnretainedValue().last = String(
          cString: message)
      })
  }

  deinit { proj_context_destroy(handle) }

  /// The calling thread's context.
  static var current: PROJContext {
    if let pointer = pthread_getspecific(projContextKey) {
      return Unmanaged<PROJContext>.fromOpaque(pointer).takeUnretainedValue()
    }
    let context = PROJContext()
    pthread_setspecific(projContextKey, Unmanaged.passRetained(context).toOpaque())
    return context
  }

  /// Clears the last logged message before a call that may fail.
  func reset() { log.last = nil }

  /// PROJ's explanation of the last failure: the logged message, else the error number's text.
  func lastMessage() -> String {
    if let message = log.last { return message }
    let number = proj_context_errno(handle)
    if number != 0, let text = proj_context_errno_string(handle, number) {
      return String(cString: text)
    }
    return "PROJ reported no message"
  }
}

private let projContextKey: pthread_key_t = {
  var key = pthread_key_t()
  pthread_key_create(&key) { pointer in
    guard let pointer else { return }
    let context = Unmanaged<PROJContext>.fromOpaque(pointer)
    // The kept transformers hold the context: they go first.
    context.takeUnretainedValue().transformers = [:]
    context.release()
  }
  return key
}()

/// A `PJ` object owned by Swift: destroyed with `proj_destroy` when released.
final class PJObject {
  let handle: OpaquePointer
  let context: PROJContext

  init(_ handle: OpaquePointer, _ context: PROJContext) {
    self.handle = handle
    self.context = context
  }

  deinit { proj_destroy(handle) }
}
