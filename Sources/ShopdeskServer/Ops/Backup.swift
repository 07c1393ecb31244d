import Foundation
import Logging
import ShopdeskStore

/// `shopdesk backup` and `shopdesk restore`: the database, every file the database refers to
/// (attachments and raw emails, content-addressed, read from whichever file store holds them) and
/// the data directory's own files (`secret.key`, without which stored credentials cannot be
/// opened) in one directory.
///
/// The database is copied first, consistently and while Shopdesk serves: SQLite with
/// `VACUUM INTO` (one read transaction, so a snapshot), PostgreSQL with `pg_dump` in its custom
/// format (one repeatable-read transaction). Files are copied after it: a file is written before
/// the message naming it commits, so every file the snapshot names is there (files newer than
/// the snapshot come along and are harmless). With the `database` file store the bytes are in the
/// snapshot already. A restore goes only into an empty database and a data directory without
/// files, writes the files into the configured store (so restoring is also a way to move
/// between stores), then brings the schema up to date.
public enum Backup {
    /// What a copy between file stores did.
    public struct FileCopy: Sendable {
        public var files = 0
        public var bytes: Int64 = 0
        /// Already in the target.
        public var present = 0
        public var missing: [String] = []
        /// Bytes whose hash is not their name.
        public var damaged: [String] = []
    }

    public struct Manifest: Codable, Equatable, Sendable {
        public var format = 1
        public var createdAt: Date
        public var engine: String
        public var schemaVersion: Int64
        public var files: Int
        public var bytes: Int64
        /// The file store the files were read from (absent in backups before file stores).
        public var fileStore: String?
        /// Files the database refers to that the store did not have, or had damaged: not in the backup.
        public var missingFiles: [String]?

        enum CodingKeys: String, CodingKey {
            case format, engine, files, bytes
            case fileStore = "file_store"
            case missingFiles = "missing_files"
            case createdAt = "created_at"
            case schemaVersion = "schema_version"
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    static let sqliteFile = "shopdesk.sqlite"
    static let postgresFile = "shopdesk.pgdump"
    static let manifestFile = "manifest.json"

    /// Writes a backup of `database` (reached at `configuration.databaseURL`), its files and the
    /// data directory into `directory`, which must not exist yet (made readable by its owner
    /// only: it holds the key).
    public static func create(database: Database, configuration: ServerConfiguration, to directory: String) async throws -> Manifest {
        let databaseURL = configuration.databaseURL
        let target = URL(fileURLWithPath: directory)
        guard !FileManager.default.fileExists(atPath: target.path) else { throw Failure("\(directory) exists already; back up into a new directory.") }
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let version = try await database.read { sql in
            try await sql.raw("SELECT MAX(version) AS v FROM schema_migrations").first()?.decode(column: "v", as: Int64.self) ?? 0
        }
        switch database.kind {
        case .sqlite:
            let path = target.appendingPathComponent(sqliteFile).path
            // On a reader connection (no transaction open, so not the writer's): VACUUM INTO reads
            // one snapshot and writes a compact copy to a new file, leaving the database as it is.
            // Readers are `query_only`, which refuses it; this connection is ours until the end.
            try await database.read { sql in
                try await sql.raw("PRAGMA query_only=OFF").run()
                let outcome: Result<Void, any Error>
                do { outcome = .success(try await sql.raw("VACUUM INTO \(bind: path)").run()) } catch { outcome = .failure(error) }
                try await sql.raw("PRAGMA query_only=ON").run()
                try outcome.get()
            }
        case .postgres:
            try run("pg_dump", ["--format=custom", "--no-owner", "--file", target.appendingPathComponent(postgresFile).path, "--dbname", databaseURL])
        }
        let filesDirectory = target.appendingPathComponent("files")
        var (files, bytes) = try copyFiles(from: URL(fileURLWithPath: configuration.dataDirectory), to: filesDirectory)
        var lost: [String] = []
        if configuration.fileStore != .database {
            let copied = try await copyStoredFiles(database: database, from: FileStorage.make(configuration: configuration, database: database).store,
                                                   to: LocalFileStore(dataDirectory: filesDirectory.path))
            files += copied.files
            bytes += copied.bytes
            lost = copied.missing + copied.damaged
        }
        let manifest = Manifest(createdAt: Date(), engine: database.kind.rawValue, schemaVersion: version, files: files, bytes: bytes,
                                fileStore: configuration.fileStore.rawValue, missingFiles: lost)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(manifest).write(to: target.appendingPathComponent(manifestFile))
        return manifest
    }

    /// Restores a backup into the database at `configuration.databaseURL` (empty), its data
    /// directory (no files yet) and its file store, then migrates the schema (a backup of an
    /// older version is brought up to date).
    public static func restore(from directory: String, configuration: ServerConfiguration, logger: Logger) async throws -> Manifest {
        let (databaseURL, dataDirectory) = (configuration.databaseURL, configuration.dataDirectory)
        let source = URL(fileURLWithPath: directory)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let data = FileManager.default.contents(atPath: source.appendingPathComponent(manifestFile).path),
              let manifest = try? decoder.decode(Manifest.self, from: data) else {
            throw Failure("\(directory) is not a Shopdesk backup (no manifest.json).")
        }
        let postgres = databaseURL.hasPrefix("postgres://") || databaseURL.hasPrefix("postgresql://")
        guard manifest.engine == (postgres ? "postgres" : "sqlite") else {
            throw Failure("This is a backup of \(manifest.engine); restore it into a \(manifest.engine) database (pg_dump and sqlite3 can convert, Shopdesk does not).")
        }
        let files = URL(fileURLWithPath: dataDirectory)
        if let existing = FileManager.default.enumerator(at: files, includingPropertiesForKeys: [.isRegularFileKey])?.allObjects as? [URL],
           existing.contains(where: { !isDatabaseFile($0.lastPathComponent) && ((try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) ?? false) }) {
            throw Failure("\(dataDirectory) has files already; restore into an empty data directory.")
        }
        if postgres {
            let empty = try await Database.with(url: databaseURL, logger: logger) { database in
                try await database.read { try await $0.raw("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = 'public'").first()?.decode(column: "n", as: Int.self) ?? 0 } == 0
            }
            guard empty else { throw Failure("The database has tables already; restore into an empty database.") }
            try run("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", "--dbname", databaseURL, source.appendingPathComponent(postgresFile).path])
        } else {
            let path = databaseURL.hasPrefix("sqlite:") ? String(databaseURL.dropFirst("sqlite:".count)) : databaseURL
            guard !FileManager.default.fileExists(atPath: path) else { throw Failure("\(path) exists already; restore into a new database file.") }
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: source.appendingPathComponent(sqliteFile).path, toPath: path)
        }
        _ = try copyFiles(from: source.appendingPathComponent("files"), to: files)
        try await Database.with(url: databaseURL, logger: logger) { database in
            try await Migrator.migrate(database)
            // The files go into the store this configuration names, which may differ from the one
            // backed up: from the backup's directory or, for the database store, the restored rows.
            let backedUp: any FileStore = manifest.fileStore == FileStoreKind.database.rawValue
                ? DatabaseFileStore(database: database) : LocalFileStore(dataDirectory: source.appendingPathComponent("files").path)
            let target = FileStorage.make(configuration: configuration, database: database).store
            let copied = try await copyStoredFiles(database: database, from: backedUp, to: target)
            if !(copied.missing + copied.damaged).isEmpty {
                logger.warning("Files the database refers to were not in the backup", metadata: ["files": "\(copied.missing + copied.damaged)"])
            }
        }
        return manifest
    }

    /// The database's own files, which a backup takes from the database, never by copying.
    static func isDatabaseFile(_ name: String) -> Bool {
        [".sqlite", ".sqlite-wal", ".sqlite-shm", ".sqlite-journal"].contains { name.hasSuffix($0) }
    }

    /// Copies every file the database refers to from one store to another (those the target has
    /// already are counted, not copied), checking each one's hash. A file missing from `source`,
    /// or damaged there, is listed and the copy goes on: one lost file must not stop a backup.
    static func copyStoredFiles(database: Database, from source: any FileStore, to target: any FileStore,
                                progress: (@Sendable (FileCopy) -> Void)? = nil) async throws -> FileCopy {
        var copy = FileCopy()
        try await FileStorage.eachReferenced(in: database) { sha256 in
            if try await target.exists(sha256: sha256) { copy.present += 1; return }
            let data: Data
            do { data = try await source.load(sha256: sha256) } catch FileStoreError.missing { copy.missing.append(sha256); return }
            guard FileStorage.sha256(data) == sha256 else { copy.damaged.append(sha256); return }
            try await target.store(data, sha256: sha256)
            copy.files += 1
            copy.bytes += Int64(data.count)
            if copy.files % 500 == 0 { progress?(copy) }
        }
        progress?(copy)
        return copy
    }

    /// Copies every regular file under `source` (not the database's own, not the local file
    /// store's, which go through `copyStoredFiles`) to the same place under `target`; a missing
    /// source is no files.
    static func copyFiles(from source: URL, to target: URL) throws -> (files: Int, bytes: Int64) {
        let manager = FileManager.default
        try manager.createDirectory(at: target, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        guard let walker = manager.enumerator(at: source, includingPropertiesForKeys: [.isRegularFileKey, .fileSizeKey]) else { return (0, 0) }
        var (count, bytes): (Int, Int64) = (0, 0)
        let base = source.standardizedFileURL.path
        for case let url as URL in walker {
            let values = try url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey])
            guard values.isRegularFile == true, !isDatabaseFile(url.lastPathComponent) else { continue }
            let relative = String(url.standardizedFileURL.path.dropFirst(base.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            guard !relative.hasPrefix("attachments/") else { continue }
            let destination = target.appendingPathComponent(relative)
            try manager.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            if manager.fileExists(atPath: destination.path) { try manager.removeItem(at: destination) }
            try manager.copyItem(at: url, to: destination)
            count += 1
            bytes += Int64(values.fileSize ?? 0)
        }
        return (count, bytes)
    }

    /// Runs a PostgreSQL client program found on the PATH; its error output is the failure. The
    /// URL's password goes in `PGPASSWORD`, not on the command line other users can list.
    static func run(_ program: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var environment = ProcessInfo.processInfo.environment
        process.arguments = [program] + arguments.map { argument in
            guard argument.hasPrefix("postgres"), var components = URLComponents(string: argument) else { return argument }
            // Our own parameter; libpq refuses what it does not know.
            components.queryItems = components.queryItems?.filter { $0.name != "pool_size" }
            if components.queryItems?.isEmpty == true { components.queryItems = nil }
            if let password = components.password {
                environment["PGPASSWORD"] = password
                components.password = nil
            }
            return components.string ?? argument
        }
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch { throw Failure("\(program) could not be started (install PostgreSQL's client programs): \(error)") }
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure("\(program) failed (\(process.terminationStatus)): \(String(decoding: output.prefix(2_000), as: UTF8.self))")
        }
    }
}
