internal import CSQLite

/// A failure reported by SQLite, with the statement or file it concerns.
public struct SQLiteError: Error, Sendable, Equatable, CustomStringConvertible {
  /// What was being done (`open tiles.mbtiles`, `run INSERT ...`).
  public var operation: String
  /// SQLite's message.
  public var message: String
  /// One line, for `error: ...`.
  public var description: String { "SQLite could not \(operation): \(message)" }
}

/// One value of a result row.
public enum SQLiteValue: Sendable, Equatable {
  /// SQL NULL.
  case null
  /// An INTEGER.
  case integer(Int64)
  /// A REAL.
  case real(Double)
  /// TEXT.
  case text(String)
  /// A BLOB.
  case blob([UInt8])
}

/// An SQLite database file (`sqlite3_open_v2`), used on one thread at a time.
/// MBTiles archives are SQLite files; this is the whole of what they need.
public final class SQLiteDatabase {
  private let handle: OpaquePointer
  /// The file's path.
  public let path: String

  /// Opens `path`, creating it when `create` is true; an existing file is
  /// opened read-only unless `writable` is true.
  /// - Throws: `SQLiteError` when the file cannot be opened.
  public init(path: String, create: Bool = false, writable: Bool = false) throws(SQLiteError) {
    self.path = path
    var db: OpaquePointer?
    let flags =
      create
      ? (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
      : writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY
    let status = sqlite3_open_v2(path, &db, flags, nil)
    guard status == SQLITE_OK, let db else {
      let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
      sqlite3_close(db)
      throw SQLiteError(operation: "open \(path)", message: message)
    }
    handle = db
  }

  deinit { sqlite3_close(handle) }

  /// Runs one or more statements that return no rows (`sqlite3_exec`).
  /// - Throws: `SQLiteError` naming the statement.
  public func execute(_ sql: String) throws(SQLiteError) {
    var message: UnsafeMutablePointer<CChar>?
    if sqlite3_exec(handle, sql, nil, nil, &message) != SQLITE_OK {
      let text = message.map { String(cString: $0) } ?? lastMessage
      sqlite3_free(message)
      throw SQLiteError(operation: "run \(sql.prefix(60))", message: text)
    }
  }

  /// Runs `sql` once per row of `rows`, binding each row's values to `?1, ?2, ...`,
  /// with one prepared statement (`sqlite3_prepare_v2`, `sqlite3_bind_*`).
  /// - Throws: `SQLiteError` naming the statement.
  public func execute(_ sql: String, rows: some Sequence<[SQLiteValue]>) throws(SQLiteError) {
    let statement = try prepare(sql)
    defer { sqlite3_finalize(statement) }
    for row in rows {
      sqlite3_reset(statement)
      sqlite3_clear_bindings(statement)
      for (index, value) in row.enumerated() { bind(value, at: Int32(index + 1), in: statement) }
      guard sqlite3_step(statement) == SQLITE_DONE else {
        throw SQLiteError(operation: "run \(sql.prefix(60))", message: lastMessage)
      }
    }
  }

  /// Runs `sql`, which takes two integers `?1, ?2`, once for every pair that
  /// `produce` hands to its argument, with one prepared statement (the fast
  /// way to fill a table of millions of pairs).
  /// - Throws: `SQLiteError` naming the statement, or what `produce` throws.
  public func execute(
    _ sql: String, pairs produce: (_ add: (Int64, Int64) throws -> Void) throws -> Void
  ) throws {
    let statement = try prepare(sql)
    defer { sqlite3_finalize(statement) }
    try produce { first, second in
      sqlite3_reset(statement)
      sqlite3_bind_int64(statement, 1, first)
      sqlite3_bind_int64(statement, 2, second)
      guard sqlite3_step(statement) == SQLITE_DONE else {
        throw SQLiteError(operation: "run \(sql.prefix(60))", message: lastMessage)
      }
    }
  }

  /// The rows `sql` returns, each a list of column values.
  /// - Throws: `SQLiteError` naming the statement.
  public func query(_ sql: String) throws(SQLiteError) -> [[SQLiteValue]] {
    let statement = try prepare(sql)
    defer { sqlite3_finalize(statement) }
    var rows: [[SQLiteValue]] = []
    while true {
      let status = sqlite3_step(statement)
      if status == SQLITE_DONE { break }
      guard status == SQLITE_ROW else {
        throw SQLiteError(operation: "query \(sql.prefix(60))", message: lastMessage)
      }
      rows.append((0..<sqlite3_column_count(statement)).map { column(statement, $0) })
    }
    return rows
  }

  /// Calls `body` with each row of `sql` in turn, without gathering them
  /// (`sqlite3_step`); the row is valid only inside `body`.
  /// - Throws: `SQLiteError` naming the statement, or what `body` throws.
  public func forEachRow(_ sql: String, _ body: (SQLiteRow) throws -> Void) throws {
    let statement = try prepare(sql)
    defer { sqlite3_finalize(statement) }
    while true {
      let status = sqlite3_step(statement)
      if status == SQLITE_DONE { return }
      guard status == SQLITE_ROW else {
        throw SQLiteError(operation: "query \(sql.prefix(60))", message: lastMessage)
      }
      try body(SQLiteRow(statement: statement))
    }
  }

  private var lastMessage: String { String(cString: sqlite3_errmsg(handle)) }

  private func prepare(_ sql: String) throws(SQLiteError) -> OpaquePointer {
    var statement: OpaquePointer?
    guard sqlite3_prepare_v2(handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else {
      throw SQLiteError(operation: "prepare \(sql.prefix(60))", message: lastMessage)
    }
    return statement
  }

  private func bind(_ value: SQLiteValue, at index: Int32, in statement: OpaquePointer) {
    let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    switch value {
    case .null: sqlite3_bind_null(statement, index)
    case .integer(let v): sqlite3_bind_int64(statement, index, v)
    case .real(let v): sqlite3_bind_double(statement, index, v)
    case .text(let v): sqlite3_bind_text(statement, index, v, -1, transient)
    case .blob(let v):
      _ = v.withUnsafeBytes {
        sqlite3_bind_blob64(statement, index, $0.baseAddress, UInt64($0.count), transient)
      }
    }
  }

  private func column(_ statement: OpaquePointer, _ index: Int32) -> SQLiteValue {
    switch sqlite3_column_type(statement, index) {
    case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, index))
    case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, index))
    case SQLITE_TEXT: return .text(String(cString: sqlite3_column_text(statement, index)))
    case SQLITE_BLOB:
      let count = Int(sqlite3_column_bytes(statement, index))
      guard count > 0, let bytes = sqlite3_column_blob(statement, index) else { return .blob([]) }
      return .blob([UInt8](UnsafeRawBufferPointer(start: bytes, count: count)))
    default: return .null
    }
  }
}

/// The current row of `SQLiteDatabase.forEachRow`, read column by column
/// without copying; valid only inside the call that received it.
public struct SQLiteRow {
  fileprivate let statement: OpaquePointer

  /// The column's value as an integer (`sqlite3_column_int64`; 0 for NULL).
  public func integer(_ column: Int) -> Int64 { sqlite3_column_int64(statement, Int32(column)) }

  /// Whether the column is NULL.
  public func isNull(_ column: Int) -> Bool {
    sqlite3_column_type(statement, Int32(column)) == SQLITE_NULL
  }

  /// Calls `body` with the column's bytes (`sqlite3_column_blob`; empty for NULL),
  /// which are valid only inside `body`.
  public func withBlob<Result>(
    _ column: Int, _ body: (UnsafeRawBufferPointer) throws -> Result
  ) rethrows -> Result {
    // SQLite's order: the pointer first, then its size.
    let bytes = sqlite3_column_blob(statement, Int32(column))
    let count = Int(sqlite3_column_bytes(statement, Int32(column)))
    guard count > 0, let bytes else {
      return try body(UnsafeRawBufferPointer(start: nil, count: 0))
    }
    return try body(UnsafeRawBufferPointer(start: bytes, count: count))
  }
}
