import Foundation
import Synchronization
import Testing

/// Every suite that uses the test cluster, one after the other: loads running
/// at once raced on the first insertion of a custom CRS into `spatial_ref_sys`
/// (one transaction aborted), which is a matter for the server, not for the
/// tests.
@Suite("PostGIS", .serialized)
enum PostGISSuites {}

/// A throwaway PostgreSQL 15 + PostGIS 3 cluster, started by the tests that need
/// one: `initdb` in a temporary folder, a free port on 127.0.0.1 and a Unix
/// socket in that folder, run as `postgres` when the tests run as root. Roles
/// log in with a password (SCRAM), found by libpq in the cluster's own pgpass
/// file (`PGPASSFILE`), as a team's would be in `~/.pgpass`. The cluster is
/// stopped and its folder removed when the test process exits, whether the
/// tests passed or not.
final class PostGISCluster: Sendable {
  /// The one cluster of this test process, started on first use.
  static let shared = Result { try PostGISCluster() }

  /// The cluster's folder: data, socket, log, pgpass.
  let folder: String
  /// The TCP port on 127.0.0.1 (the socket has the same number).
  let port: Int
  /// The password of the `territory` role.
  let password: String

  private static let binaries = "/usr/lib/postgresql/15/bin"

  private init() throws {
    folder = try Self.makeFolder()
    password = "pw-" + UUID().uuidString.prefix(8).lowercased()
    let passwordFile = folder + "/password"
    try password.write(toFile: passwordFile, atomically: true, encoding: .utf8)
    try Self.asServer([
      "\(Self.binaries)/initdb", "-D", folder + "/data", "-U", "territory",
      "--pwfile=" + passwordFile, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C",
    ])
    var started: Int?
    for candidate in Self.candidatePorts() {
      do {
        // The server outlives pg_ctl and keeps what it inherited open: its
        // output goes to a file, not to a pipe that would never reach its end.
        try Self.asServer(
          [
            "\(Self.binaries)/pg_ctl", "-D", folder + "/data", "-l", folder + "/log", "-w", "-t",
            "30", "-o", "-p \(candidate) -k \(folder) -c listen_addresses=127.0.0.1", "start",
          ], outputFile: folder + "/pg_ctl.out")
        started = candidate
        break
      } catch { continue }
    }
    guard let started else { throw ClusterError("no free port for the test cluster") }
    port = started
    PostGISCluster.running = folder
    atexit { PostGISCluster.stopRunning() }
    let pgpass = folder + "/pgpass"
    try "*:*:*:territory:\(password)\n".write(toFile: pgpass, atomically: true, encoding: .utf8)
    chmod(pgpass, 0o600)
    setenv("PGPASSFILE", pgpass, 1)
    try sql("CREATE DATABASE team", database: "postgres")
    try sql("CREATE DATABASE plain", database: "postgres")
    try sql("CREATE EXTENSION postgis; CREATE SCHEMA census", database: "team")
  }

  /// A connection in GDAL's form through the socket, the password from pgpass.
  func connection(database: String = "team") -> String {
    "PG:host=\(folder) port=\(port) user=territory dbname=\(database)"
  }

  /// A connection through the socket as role `user` (see `addRole(_:)`).
  func connection(as user: String) -> String {
    "PG:host=\(folder) port=\(port) user=\(user) dbname=team"
  }

  /// Creates the login role `name` (once), with the cluster's password in pgpass,
  /// allowed to connect to `team` and nothing else.
  func addRole(_ name: String) throws {
    let exists = try value("SELECT count(*) FROM pg_roles WHERE rolname = '\(name)'")
    guard exists == "0" else { return }
    try sql(
      "CREATE ROLE \(name) LOGIN PASSWORD '\(password)'; GRANT CONNECT ON DATABASE team TO \(name)")
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: folder + "/pgpass"))
    defer { try? handle.close() }
    try handle.seekToEnd()
    try handle.write(contentsOf: Data("*:*:*:\(name):\(password)\n".utf8))
  }

  /// A connection over TCP with the password written in the string itself.
  func connectionWithPassword(_ password: String) -> String {
    "PG:host=127.0.0.1 port=\(port) user=territory dbname=team password=\(password)"
  }

  /// Runs SQL with `psql` (stops on the first error) and returns what it printed.
  @discardableResult
  func sql(_ text: String, database: String = "team", application: String = "psql") throws
    -> String
  {
    try Self.run([
      "/usr/bin/psql", "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-h", folder, "-p",
      "\(port)", "-U", "territory", "-d", "dbname=\(database) application_name=\(application)",
      "-c", text,
    ])
  }

  /// The single value a query returns, as text (empty for NULL).
  func value(_ query: String, database: String = "team") throws -> String {
    try sql(query, database: database).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// Checks that `interpolate` from `table`, holding the Olinda tracts, writes
  /// the same bytes as from the tracts' file (200 m squares, V014).
  func expectInterpolationAsFromTheTracts(table: String) throws {
    let folder = try Territory.scratch()
    defer { try? FileManager.default.removeItem(at: folder) }
    let common = ["--to-crs", "EPSG:31985", "--grid", "200", "--extensive", "V014"]
    let fromFile = try Territory.runArray(
      ["interpolate", Territory.tracts] + common + ["-o", folder.path + "/file.csv"])
    let fromTable = try Territory.runArray(
      ["interpolate", connection(), "-l", table] + common + ["-o", folder.path + "/table.csv"])
    #expect(fromFile.status == 0 && fromTable.status == 0, "\(fromTable.error)")
    let file = try Data(contentsOf: folder.appendingPathComponent("file.csv"))
    let read = try Data(contentsOf: folder.appendingPathComponent("table.csv"))
    #expect(!file.isEmpty && file == read)
  }

  /// Runs `command` with a connection of its own name while a watcher, on
  /// another connection, waits for that connection's `COPY` and ends its
  /// server process: a connection cut in the middle of a write.
  func killingTheCopy(_ command: (String) throws -> CommandResult) throws -> CommandResult {
    try killing(during: "COPY%", command)
  }

  /// Runs `command` with a connection of its own name while a watcher, on
  /// another connection, waits for that connection to run a statement like
  /// `pattern` (`ILIKE`) and ends its server process. Only for statements that
  /// last (a large `COPY`, a `CREATE TABLE … AS` over many rows): the watcher
  /// looks every 20 ms.
  func killing(during pattern: String, _ command: (String) throws -> CommandResult) throws
    -> CommandResult
  {
    try cutting(
      when: "query ILIKE '\(pattern)'", what: "a statement like \(pattern)", command)
  }

  /// Runs `command` with a connection of its own name while a watcher holds a
  /// share lock on `table` (`schema.name`), and ends the command's server
  /// process once it waits for that lock: replacing the schema or the table
  /// waits there, after every row is written and before the commit. The cut
  /// falls at the same point on every run, whatever the speed of the machine.
  func killingWhenBlocked(by table: String, _ command: (String) throws -> CommandResult) throws
    -> CommandResult
  {
    try cutting(
      when: "wait_event_type = 'Lock'", what: "a wait for the lock on \(table)",
      holding: table, command)
  }

  /// The watcher of `killing` and `killingWhenBlocked`: it waits as long as the
  /// command runs (a debug build may compute for a minute before it connects);
  /// a command that ends before `condition` holds fails the test.
  private func cutting(
    when condition: String, what: String, holding table: String? = nil,
    _ command: (String) throws -> CommandResult
  ) throws -> CommandResult {
    let name = "territory-cut-\(getpid())-\(UUID().uuidString.prefix(8))"
    let watcher = name + "-watcher"
    let lock = table.map { "LOCK TABLE \($0) IN ACCESS SHARE MODE;" } ?? ""
    let killer = """
      DO $$ DECLARE n int; BEGIN
        \(lock)
        FOR i IN 1..45000 LOOP
          PERFORM pg_stat_clear_snapshot();
          SELECT count(*) INTO n FROM pg_stat_activity
            WHERE application_name = '\(name)' AND \(condition);
          IF n > 0 THEN
            PERFORM pg_terminate_backend(pid) FROM pg_stat_activity
              WHERE application_name = '\(name)';
            RETURN;
          END IF;
          PERFORM pg_sleep(0.02);
        END LOOP;
        RAISE EXCEPTION 'not seen: %', '\(what)';
      END $$
      """
    let killed = Mutex<(any Error)??>(nil)
    let done = DispatchSemaphore(value: 0)
    DispatchQueue.global().async {
      let outcome: (any Error)?
      do {
        _ = try self.sql(killer, application: watcher)
        outcome = nil
      } catch { outcome = error }
      killed.withLock { $0 = .some(outcome) }
      done.signal()
    }
    if let table {
      // The command starts once the watcher holds its lock.
      var held = false
      for _ in 0..<1500 where !held {
        held =
          try value(
            """
            SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
              WHERE a.application_name = '\(watcher)' AND l.granted
                AND l.relation = '\(table)'::regclass
            """) != "0"
        if !held { usleep(20_000) }
      }
      #expect(held, "the watcher did not get its lock on \(table)")
    }
    let result = try command(connection() + " application_name=\(name)")
    if done.wait(timeout: .now() + 2) == .timedOut {
      // The command ended and nothing was cut: stop the watcher.
      _ = try? sql(
        "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = '\(watcher)'")
      done.wait()
      Issue.record("the command ended before \(what) was seen")
      return result
    }
    let watcherError = killed.withLock { $0 ?? nil }
    #expect(watcherError == nil, "\(String(describing: watcherError))")
    return result
  }

  /// The shared cluster, with the Olinda tracts in `census.tracts` (loaded
  /// once, by the first suite that asks).
  static func withTracts() throws -> PostGISCluster {
    let cluster = try shared.get()
    if try cluster.value("SELECT to_regclass('census.tracts')").isEmpty {
      try cluster.load(Territory.tracts, as: "census.tracts")
    }
    return cluster
  }

  /// Loads `file` into `table` (`schema.name`) with GDAL's own `ogr2ogr`, so
  /// that what is read back is checked against an independent writer.
  func load(_ file: String, as table: String) throws {
    // Column names as in the file (V014), not folded to lower case.
    try Self.run([
      "/usr/bin/ogr2ogr", "-f", "PostgreSQL", connection(), file, "-nln", table, "-lco",
      "LAUNDER=NO",
    ])
  }

  // The folder of the cluster that runs, for the exit handler (a C function
  // pointer captures nothing).
  nonisolated(unsafe) private static var running: String?

  private static func stopRunning() {
    guard let folder = running else { return }
    _ = try? asServer(["\(binaries)/pg_ctl", "-D", folder + "/data", "-m", "immediate", "stop"])
    try? FileManager.default.removeItem(atPath: folder)
  }

  private static func makeFolder() throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
      "territory-postgis-\(UUID().uuidString.prefix(8))"
    ).path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    if getuid() == 0 { try run(["/bin/chown", "postgres:postgres", folder]) }
    return folder
  }

  private static func candidatePorts() -> [Int] {
    let base = 20_000 + Int(getpid() % 20_000)
    return (0..<20).map { base + $0 * 7 }
  }

  /// Runs a server program, as `postgres` when the tests run as root (PostgreSQL
  /// refuses to run as root).
  @discardableResult
  private static func asServer(_ command: [String], outputFile: String? = nil) throws -> String {
    try run(
      getuid() == 0 ? ["/usr/sbin/runuser", "-u", "postgres", "--"] + command : command,
      outputFile: outputFile)
  }

  /// Runs `command` and waits for it (`posix_spawn`, `waitpid`), its output
  /// going to a file: the server that `pg_ctl start` leaves running keeps what
  /// it inherited open, so a pipe would never reach its end, and Foundation's
  /// `Process` did not see the exit of `runuser` in that case.
  @discardableResult
  private static func run(_ command: [String], outputFile: String? = nil) throws -> String {
    let log =
      outputFile
      ?? FileManager.default.temporaryDirectory.appendingPathComponent(
        "territory-postgis-run-\(UUID().uuidString.prefix(8))"
      ).path
    defer { if outputFile == nil { try? FileManager.default.removeItem(atPath: log) } }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    var arguments = command.map { strdup($0) } + [nil]
    defer { for argument in arguments { free(argument) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, command[0], &actions, nil, &arguments, environ)
    guard spawned == 0 else { throw ClusterError("cannot start \(command[0]): error \(spawned)") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    // Exited normally with status 0 (WIFEXITED and WEXITSTATUS, by hand).
    guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
      throw ClusterError("\(command.joined(separator: " ")) failed: \(text)")
    }
    return text
  }

  /// A step of starting or using the cluster failed.
  struct ClusterError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
  }
}
