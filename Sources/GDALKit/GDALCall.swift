internal import CGDAL

/// Registers GDAL's drivers once per process (thread-safe lazy global).
let gdalRegistration: Void = {
  GDALAllRegister()
  // Keep GDAL away from the network and from interactive prompts.
  CPLSetConfigOption("GDAL_HTTP_TIMEOUT", "1")
  CPLSetConfigOption("CPL_VSIL_CURL_ALLOWED_EXTENSIONS", "none")
}()

/// The messages GDAL emitted (through `CPLError`) during one call.
struct GDALMessages {
  var errors: [String] = []
  var warnings: [String] = []

  /// The most useful single line: the last error, else the last warning, its
  /// runs of white space (libpq's tabs and line breaks) made single spaces.
  /// PostgreSQL's "current transaction is aborted" only repeats an earlier
  /// failure of the same transaction: that earlier error is given instead.
  var summary: String {
    let cause = errors.last { !$0.contains("current transaction is aborted") }
    return (cause ?? errors.last ?? warnings.last ?? "no message")
      .split(whereSeparator: \.isWhitespace).joined(separator: " ")
  }
}

/// Runs `body` with GDAL's error handler replaced by one that collects messages
/// instead of printing them, on this thread only (`CPLPushErrorHandlerEx` /
/// `CPLPopErrorHandler`; GDAL's handler stack is per thread).
func withGDALMessages<T>(_ body: () throws -> T) rethrows -> (T, GDALMessages) {
  _ = gdalRegistration
  let box = MessageBox()
  CPLErrorReset()
  CPLPushErrorHandlerEx(
    { level, _, message in
      guard let userData = CPLGetErrorHandlerUserData() else { return }
      let box = Unmanaged<MessageBox>.fromOpaque(userData).takeUnretainedValue()
      let text = message.map { String(cString: $0) } ?? ""
      if level == CE_Failure || level == CE_Fatal {
        box.messages.errors.append(text)
      } else if level == CE_Warning {
        box.messages.warnings.append(text)
      }
    }, Unmanaged.passUnretained(box).toOpaque())
  defer { CPLPopErrorHandler() }
  let result = try withExtendedLifetime(box) { try body() }
  return (result, box.messages)
}

private final class MessageBox {
  var messages = GDALMessages()
}

/// GDAL's `char **` option list (`CSLAddString`), freed after `body` (`CSLDestroy`).
func withOptionList<T>(
  _ options: [String], _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) throws -> T
) rethrows -> T {
  var list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = nil
  for option in options { list = CSLAddString(list, option) }
  defer { CSLDestroy(list) }
  return try body(list)
}

/// The same list seen as `const char *const *`, the type of most GDAL option parameters.
func constOptions(_ list: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?)
  -> UnsafePointer<UnsafePointer<CChar>?>?
{
  list.map { UnsafePointer(OpaquePointer($0)) }
}
