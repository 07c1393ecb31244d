import Crypto
import Foundation
import ShopdeskStore

/// Where file bytes live: attachments, original emails, return photos. Files are
/// content-addressed by the SHA-256 of their bytes (lowercase hex) and written once; each
/// store makes a file durable before `store` returns, so a message is acknowledged only after
/// the files it names are safe.
///
/// - `local`: the data directory's disk. One node, or nodes sharing a disk.
/// - `database`: the `file_blobs` table. Every node of a PostgreSQL deployment, nothing else to run.
/// - `s3`: any S3-compatible object store (AWS S3, MinIO, Ceph, R2…), signed with Signature V4.
protocol FileStore: Sendable {
    /// `local`, `database` or `s3`: what the configuration and `shopdesk files` call it.
    var kind: FileStoreKind { get }
    func store(_ data: Data, sha256: String) async throws
    /// The bytes, or `FileStoreError.missing`.
    func load(sha256: String) async throws -> Data
    func exists(sha256: String) async throws -> Bool
    /// Removes the bytes; a file that is not there is no error.
    func delete(sha256: String) async throws
}

enum FileStoreKind: String, CaseIterable, Sendable {
    case local, database, s3
}

enum FileStoreError: Error, CustomStringConvertible {
    case missing(String)
    case unavailable(String)

    var description: String {
        switch self {
        case .missing(let sha256): "The file \(sha256) is not in the store."
        case .unavailable(let detail): detail
        }
    }
}

/// The server's files: the configured store, plus what only the server knows (which files are
/// still referred to).
struct FileStorage: Sendable {
    let store: any FileStore

    /// The store `configuration.fileStore` names, checked for what it needs.
    static func make(configuration: ServerConfiguration, database: Database) -> FileStorage {
        FileStorage(store: makeStore(configuration.fileStore, configuration: configuration, database: database))
    }

    static func makeStore(_ kind: FileStoreKind, configuration: ServerConfiguration, database: Database) -> any FileStore {
        switch kind {
        case .local: LocalFileStore(dataDirectory: configuration.dataDirectory)
        case .database: DatabaseFileStore(database: database)
        case .s3: S3FileStore(configuration: configuration.s3)
        }
    }

    func store(_ data: Data, sha256: String) async throws {
        try await store.store(data, sha256: sha256)
    }

    /// The bytes; a file missing from the store is a 404 the client can read, a store that does
    /// not answer a 503.
    func load(sha256: String) async throws -> Data {
        do {
            return try await store.load(sha256: sha256)
        } catch FileStoreError.missing {
            throw Problem(.notFound, "The file's bytes are missing from storage.")
        } catch FileStoreError.unavailable(let detail) {
            throw Problem(.serviceUnavailable, "The file store does not answer: \(detail)")
        }
    }

    /// Calls `body` with every content hash the database refers to, a page at a time (hash order),
    /// so a copy or a check never holds the whole list.
    static func eachReferenced(in database: Database, _ body: (String) async throws -> Void) async throws {
        var after = ""
        while true {
            let cursor = after
            let page = try await database.read { try await FileReferences.page(after: cursor, limit: 500, in: $0) }
            guard let last = page.last else { return }
            for sha256 in page { try await body(sha256) }
            after = last
        }
    }

    /// The lowercase hex SHA-256 of `data`: a file's name in every store.
    static func sha256(_ data: Data) -> String { Secrets.hex(SHA256.hash(data: data)) }

    /// Deletes the bytes of `sha256` when no attachment and no original email refers to them
    /// any more (files are stored once for every workspace that has the same content).
    func removeIfUnreferenced(_ sha256: String, database: Database) async throws {
        let referenced = try await database.read { sql in
            try await FileReferences.isReferenced(sha256, in: sql)
        }
        guard !referenced else { return }
        try? await store.delete(sha256: sha256)
    }
}
