import Foundation
import Logging
import ShopdeskStore

/// `shopdesk files migrate` and `shopdesk files check`: moving every file the database refers to
/// from one store to another (while Shopdesk serves: files are immutable and the copy skips what
/// the target has, so it can run again until it finds nothing left), and finding files a store
/// has lost.
public enum FileMigration {
    public struct Outcome: Sendable {
        public var copied: Int
        public var bytes: Int64
        public var present: Int
        public var missing: [String]
        public var damaged: [String]
    }

    /// The store kinds, as `file_store` names them.
    public static let kinds = FileStoreKind.allCases.map(\.rawValue)

    /// Copies from the store `from` to the store `to`, both as `configuration` sets them up (the
    /// data directory, the database, the S3 settings).
    public static func migrate(configuration: ServerConfiguration, from: String, to: String, logger: Logger,
                               progress: @escaping @Sendable (Int, Int64) -> Void) async throws -> Outcome {
        guard let source = FileStoreKind(rawValue: from), let target = FileStoreKind(rawValue: to) else {
            throw ConfigurationError("A file store is one of \(kinds.joined(separator: ", ")); not \"\(from)\" or \"\(to)\".")
        }
        guard source != target else { throw ConfigurationError("The files are in \(from) already; name another store to move them to.") }
        if source == .s3 || target == .s3 { try S3FileStore.validate(configuration.s3) }
        return try await Database.with(url: configuration.databaseURL, logger: logger) { database in
            try await Migrator.migrate(database)
            let copy = try await Backup.copyStoredFiles(database: database,
                                                        from: FileStorage.makeStore(source, configuration: configuration, database: database),
                                                        to: FileStorage.makeStore(target, configuration: configuration, database: database)) { progress($0.files, $0.bytes) }
            return Outcome(copied: copy.files, bytes: copy.bytes, present: copy.present, missing: copy.missing, damaged: copy.damaged)
        }
    }

    /// Reads every referenced file from the configured store and checks its hash.
    public static func check(configuration: ServerConfiguration, logger: Logger) async throws -> Outcome {
        try await Database.with(url: configuration.databaseURL, logger: logger) { database in
            let store = FileStorage.make(configuration: configuration, database: database).store
            var outcome = Outcome(copied: 0, bytes: 0, present: 0, missing: [], damaged: [])
            try await FileStorage.eachReferenced(in: database) { sha256 in
                do {
                    let data = try await store.load(sha256: sha256)
                    if FileStorage.sha256(data) == sha256 { outcome.present += 1; outcome.bytes += Int64(data.count) } else { outcome.damaged.append(sha256) }
                } catch FileStoreError.missing {
                    outcome.missing.append(sha256)
                }
            }
            return outcome
        }
    }
}
