import Foundation
import HTTPTypes
import NIOCore
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// A backup taken while the workspace is in use, restored into a fresh database and data
/// directory, has every message, file and setting, and the key that opens stored credentials.
@Suite("Backup and restore")
struct BackupTests {
    /// The URL of the harness's own PostgreSQL database (the tests' server, that database's name).
    static func postgresURL(_ harness: Harness) async throws -> String {
        let name = try await harness.database.read { try await $0.raw("SELECT current_database() AS name").first()?.decode(column: "name", as: String.self) } ?? ""
        var components = try #require(URLComponents(string: ProcessInfo.processInfo.environment["SHOPDESK_TEST_POSTGRES_URL"] ?? ""))
        components.path = "/" + name
        return try #require(components.string)
    }

    /// SQLite with files on disk; PostgreSQL with files in the database, restored onto disk (a
    /// restore writes into the store its configuration names).
    @Test(arguments: TestDatabase.kinds)
    func aRestoredBackupHasEveryMessageFileAndSetting(kind: DatabaseKind) async throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("shopdesk-backup-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let fileStore: FileStoreKind = kind == .postgres ? .database : .local
        try await Harness.run(kind, configure: { $0.fileStore = fileStore }) { harness in
            // A message, a file, a tag, a shop with a sealed secret and the bot's policy.
            let sent = try await harness.inbound(email: "marta@example.com", text: "Where is my parcel? Photo attached.")
            let bytes = Array("a photo of a parcel \(UUID())".utf8)
            let uploaded = try await harness.client.execute(
                uri: "/api/v1/attachments", method: .post,
                headers: [.authorization: "Bearer \(harness.ownerToken)", .contentType: "text/plain", HTTPField.Name("X-File-Name")!: "parcel.txt"],
                body: ByteBuffer(bytes: bytes)) { $0.status }
            #expect(uploaded == .created)
            _ = try await harness.client.json(.post, "/api/v1/tags", token: harness.ownerToken, body: #"{"name":"vip"}"#)
            let store = try await harness.client.json(.post, "/api/v1/stores", token: harness.ownerToken,
                                                      body: #"{"platform":"sandbox","currency":"EUR","webhook_secret":"shh-it-is-sealed"}"#)
            _ = try await harness.client.json(.put, "/api/v1/stores/\(try store.int("id"))/bot-policy", token: harness.ownerToken,
                                              body: #"{"actions":["cancel"],"verification":"order_email"}"#)

            let databaseURL = kind == .postgres ? try await Self.postgresURL(harness) : "sqlite:unused"
            let backup = scratch.appendingPathComponent("backup").path
            var configuration = harness.services.config
            configuration.databaseURL = databaseURL
            let manifest = try await Backup.create(database: harness.database, configuration: configuration, to: backup)
            #expect(manifest.engine == kind.rawValue && manifest.schemaVersion >= 49 && manifest.fileStore == fileStore.rawValue, "\(manifest)")
            // The key, and the upload unless it is in the database's own dump.
            #expect(manifest.files == (fileStore == .database ? 1 : 2) && manifest.missingFiles == [], "\(manifest)")
            await #expect(throws: Backup.Failure.self, "never over an earlier backup") {
                _ = try await Backup.create(database: harness.database, configuration: configuration, to: backup)
            }

            // Restored into an empty database and a new data directory.
            let restoredFiles = scratch.appendingPathComponent("data").path
            let restoredURL: String
            if kind == .postgres {
                let name = "shopdesk_restore_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
                let admin = ProcessInfo.processInfo.environment["SHOPDESK_TEST_POSTGRES_URL"] ?? ""
                try await Database.with(url: admin, logger: TestDatabase.logger) { try await $0.read { try await $0.raw("CREATE DATABASE \(unsafeRaw: name)").run() } }
                var components = try #require(URLComponents(string: admin))
                components.path = "/" + name
                restoredURL = try #require(components.string)
            } else {
                restoredURL = "sqlite:" + scratch.appendingPathComponent("restored/shopdesk.sqlite").path
            }
            let restoring = {
                var restoring = configuration
                (restoring.databaseURL, restoring.dataDirectory, restoring.fileStore) = (restoredURL, restoredFiles, .local)
                return restoring
            }()
            _ = try await Backup.restore(from: backup, configuration: restoring, logger: TestDatabase.logger)
            await #expect(throws: Backup.Failure.self, "never over a database or files in use") {
                _ = try await Backup.restore(from: backup, configuration: restoring, logger: TestDatabase.logger)
            }

            let conversation = try sent.int("conversation_id")
            let secret = try String(contentsOfFile: harness.services.config.dataDirectory + "/secret.key", encoding: .utf8)
            #expect(try String(contentsOfFile: restoredFiles + "/secret.key", encoding: .utf8) == secret, "the key that opens stored credentials")
            try await Database.with(url: restoredURL, logger: TestDatabase.logger) { restored in
                let (text, tag, settings, sealed, key) = try await restored.read { sql in
                    (try await sql.raw("SELECT text FROM messages WHERE conversation_id = \(bind: conversation)").first()?.decode(column: "text", as: String.self),
                     try await sql.raw("SELECT name FROM tags WHERE name = 'vip'").first()?.decode(column: "name", as: String.self),
                     try await sql.raw("SELECT settings FROM store_connections").first()?.decode(column: "settings", as: String.self),
                     try await sql.raw("SELECT webhook_secret FROM store_connections").first()?.decode(column: "webhook_secret", as: String?.self),
                     try await sql.raw("SELECT sha256 FROM attachments WHERE file_name = 'parcel.txt'").first()?.decode(column: "sha256", as: String.self))
                }
                #expect(text == "Where is my parcel? Photo attached." && tag == "vip")
                #expect(settings?.contains("\"cancel\"") == true, "\(settings ?? "")")
                // The shop's secret opens with the restored key.
                #expect(try SecretBox.load(configuration: restoring).open(try #require(sealed)) == "shh-it-is-sealed")
                // The file is where the restored data directory keeps it, byte for byte.
                let stored = try #require(key)
                let restoredBytes = try await LocalFileStore(dataDirectory: restoredFiles).load(sha256: stored)
                #expect(Array(restoredBytes) == bytes)
            }
            if kind == .postgres, let name = URLComponents(string: restoredURL)?.path.dropFirst() {
                let admin = ProcessInfo.processInfo.environment["SHOPDESK_TEST_POSTGRES_URL"] ?? ""
                try await Database.with(url: admin, logger: TestDatabase.logger) { try await $0.read { try await $0.raw("DROP DATABASE \(unsafeRaw: String(name)) WITH (FORCE)").run() } }
            }
        }
    }
}
