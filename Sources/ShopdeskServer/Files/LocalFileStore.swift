import Foundation
import ShopdeskStore

/// Files under `<data>/attachments/ab/cdef…` on this node's disk.
struct LocalFileStore: FileStore {
    let root: URL
    var kind: FileStoreKind { .local }

    init(dataDirectory: String) {
        root = URL(fileURLWithPath: dataDirectory).appendingPathComponent("attachments")
    }

    /// Writes the file durably before returning: to a temporary name, flushed to disk, then
    /// renamed into place and the directory flushed, so a crash never leaves half a file under
    /// the final name and an acknowledged upload or email is on disk.
    func store(_ data: Data, sha256: String) async throws {
        let url = path(sha256)
        if FileManager.default.fileExists(atPath: url.path) { return }
        let directory = url.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let temporary = directory.appendingPathComponent(".\(sha256).\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: temporary.path])
        }
        let handle = try FileHandle(forWritingTo: temporary)
        do {
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
        if rename(temporary.path, url.path) != 0 {
            try? FileManager.default.removeItem(at: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        let directoryDescriptor = open(directory.path, O_RDONLY)
        if directoryDescriptor >= 0 {
            fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    func load(sha256: String) async throws -> Data {
        guard let data = FileManager.default.contents(atPath: path(sha256).path) else { throw FileStoreError.missing(sha256) }
        return data
    }

    func exists(sha256: String) async throws -> Bool {
        FileManager.default.fileExists(atPath: path(sha256).path)
    }

    func delete(sha256: String) async throws {
        try? FileManager.default.removeItem(at: path(sha256))
    }

    /// Only hex names reach the disk: a hash is never a path.
    private func path(_ sha256: String) -> URL {
        let safe = sha256.allSatisfy(\.isHexDigit) && !sha256.isEmpty ? sha256 : "invalid"
        return root.appendingPathComponent(String(safe.prefix(2))).appendingPathComponent(safe)
    }
}

/// Files in the `file_blobs` table of the database every node shares: durable when the insert
/// commits. Simple to run (nothing besides PostgreSQL); the bytes count in the database's size
/// and its backups.
struct DatabaseFileStore: FileStore {
    let database: ShopdeskStore.Database
    var kind: FileStoreKind { .database }

    func store(_ data: Data, sha256: String) async throws {
        if try await exists(sha256: sha256) { return }
        try await database.write { try await FileBlobRepository.insert(sha256: sha256, bytes: data, now: Date(), in: $0) }
    }

    func load(sha256: String) async throws -> Data {
        guard let data = try await database.read({ try await FileBlobRepository.bytes(sha256: sha256, in: $0) }) else {
            throw FileStoreError.missing(sha256)
        }
        return data
    }

    func exists(sha256: String) async throws -> Bool {
        try await database.read { try await FileBlobRepository.exists(sha256: sha256, in: $0) }
    }

    func delete(sha256: String) async throws {
        try await database.write { try await FileBlobRepository.delete(sha256: sha256, in: $0) }
    }
}
