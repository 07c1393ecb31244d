import Crypto
import Foundation
import HTTPTypes
import NIOCore
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// The file stores: Signature V4 against AWS's published examples, the S3 store against moto (an
/// S3-compatible server from PyPI that checks every request's signature with botocore, AWS's own
/// signer), the database store on both engines, two nodes serving each other's files, and the
/// migration between stores.
@Suite("File stores")
struct FileStoreTests {
    static let date = Date(timeIntervalSince1970: 1_369_353_600) // 2013-05-24T00:00:00Z
    static let example = SigV4(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region: "us-east-1")

    /// "Signature Calculations for the Authorization Header", Amazon S3 API reference: GET Object.
    @Test func signatureV4MatchesAWSsGetObjectExample() throws {
        let url = try #require(URL(string: "https://examplebucket.s3.amazonaws.com/test.txt"))
        let headers = Self.example.sign(method: "GET", url: url, headers: ["Range": "bytes=0-9"], payloadHash: SigV4.payloadHash(Data()), date: Self.date)
        #expect(headers["authorization"] == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    }

    /// The same reference's PUT Object example: a `$` in the key, a body, more headers.
    @Test func signatureV4MatchesAWSsPutObjectExample() throws {
        let url = try #require(URL(string: "https://examplebucket.s3.amazonaws.com/test%24file.text"))
        let body = Data("Welcome to Amazon S3.".utf8)
        let headers = Self.example.sign(method: "PUT", url: url, headers: ["Date": "Fri, 24 May 2013 00:00:00 GMT", "x-amz-storage-class": "REDUCED_REDUNDANCY"],
                                        payloadHash: SigV4.payloadHash(body), date: Self.date)
        #expect(headers["authorization"] == "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            + "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")
    }

    /// And its GET Bucket (list objects) example: the query string, sorted and encoded.
    @Test func signatureV4MatchesAWSsListObjectsExample() throws {
        let url = try #require(URL(string: "https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J"))
        let headers = Self.example.sign(method: "GET", url: url, headers: [:], payloadHash: SigV4.payloadHash(Data()), date: Self.date)
        #expect(headers["authorization"]?.hasSuffix("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7") == true, "\(headers)")
    }

    @Test func anS3ObjectsAddressEncodesThePrefixOnce() throws {
        let path = S3FileStore(configuration: S3Settings(endpoint: "http://127.0.0.1:9000/", bucket: "files", accessKeyID: "a", secretAccessKey: "b", prefix: "shop desk/ü/"))
        #expect(path.url(key: "abc")?.absoluteString == "http://127.0.0.1:9000/files/shop%20desk/%C3%BC/abc")
        let virtual = S3FileStore(configuration: S3Settings(endpoint: "https://s3.eu-central-1.amazonaws.com", bucket: "files", accessKeyID: "a", secretAccessKey: "b",
                                                            virtualHosted: true))
        #expect(virtual.url(key: "abc")?.absoluteString == "https://files.s3.eu-central-1.amazonaws.com/abc")
        // Whatever the settings hold, an address is made or refused, never a crash.
        for (endpoint, bucket, prefix) in [("not a url", "b", ""), ("http://h:9000/a b", "b", ""), ("http://h", "bu/ck et", "%zz/\u{0}/")] {
            _ = S3FileStore(configuration: S3Settings(endpoint: endpoint, bucket: bucket, accessKeyID: "a", secretAccessKey: "b", prefix: prefix)).url(key: "abc")
        }
        #expect(throws: ConfigurationError.self) { try ServerConfiguration.load(environment: ["SHOPDESK_FILE_STORE": "s3"], file: nil) }
        #expect(throws: ConfigurationError.self) { try ServerConfiguration.load(environment: ["SHOPDESK_FILE_STORE": "nfs"], file: nil) }
        let configured = try ServerConfiguration.load(environment: [
            "SHOPDESK_FILE_STORE": "s3", "SHOPDESK_S3_ENDPOINT": "https://s3.example.com", "SHOPDESK_S3_BUCKET": "b",
            "SHOPDESK_S3_ACCESS_KEY_ID": "AKID", "SHOPDESK_S3_SECRET_ACCESS_KEY": "very-secret",
        ], file: nil)
        #expect(!"\(configured)".contains("very-secret") && !String(reflecting: configured).contains("very-secret") && "\(configured)".contains("files: s3"))
    }

    /// Every store keeps, reads, finds and deletes by hash; a second store on the same place (a
    /// second node) reads what the first wrote.
    static func exercise(_ first: any FileStore, _ second: any FileStore) async throws {
        let data = Data("a photo of a parcel \(UUID())".utf8)
        let sha = SigV4.payloadHash(data)
        #expect(try await !first.exists(sha256: sha))
        await #expect(throws: FileStoreError.self) { _ = try await first.load(sha256: sha) }
        try await first.store(data, sha256: sha)
        try await first.store(data, sha256: sha) // once is enough; twice changes nothing
        #expect(try await second.exists(sha256: sha))
        #expect(try await second.load(sha256: sha) == data)
        let large = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try await first.store(large, sha256: SigV4.payloadHash(large))
        #expect(try await second.load(sha256: SigV4.payloadHash(large)) == large)
        try await second.delete(sha256: sha)
        try await second.delete(sha256: sha)
        #expect(try await !first.exists(sha256: sha))
    }

    @Test(arguments: TestDatabase.kinds)
    func theDatabaseStoreKeepsFilesForEveryNode(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            try await Self.exercise(DatabaseFileStore(database: database), DatabaseFileStore(database: database))
        }
    }

    @Test func theLocalStoreKeepsFilesOnDisk() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("files-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await Self.exercise(LocalFileStore(dataDirectory: directory), LocalFileStore(dataDirectory: directory))
        await #expect(throws: FileStoreError.self, "a name that is not a hash never reaches the disk") {
            _ = try await LocalFileStore(dataDirectory: directory).load(sha256: "../../etc/passwd")
        }
    }

    @Test func theS3StoreSpeaksToAnS3CompatibleServerThatChecksSignatures() async throws {
        guard let moto = try await MotoS3.start() else { return }
        defer { moto.stop() }
        let store = S3FileStore(configuration: moto.settings)
        try await store.checkBucket()
        var prefixed = moto.settings
        prefixed.prefix = "shop desk/ü/"
        try await Self.exercise(S3FileStore(configuration: prefixed), S3FileStore(configuration: prefixed))
        var wrong = moto.settings
        wrong.secretAccessKey = "not-the-secret"
        let refused = await #expect(throws: FileStoreError.self) { try await S3FileStore(configuration: wrong).store(Data("x".utf8), sha256: SigV4.payloadHash(Data("x".utf8))) }
        #expect("\(refused.map { "\($0)" } ?? "")".contains("SignatureDoesNotMatch"), "the server checked our signature: \(String(describing: refused))")
        var missing = moto.settings
        missing.bucket = "no-such-bucket"
        await #expect(throws: FileStoreError.self) { try await S3FileStore(configuration: missing).checkBucket() }
    }
}

/// moto's S3 server (PyPI) as a child process, with signature checking on: its first three
/// requests (unauthenticated, as moto allows) make an IAM user with a key allowed `s3:*`; every
/// request after them must be signed with that key.
final class MotoS3: Sendable {
    let service: PythonService
    let settings: S3Settings

    private init(service: PythonService, settings: S3Settings) { (self.service, self.settings) = (service, settings) }

    /// Nil (the test is skipped) when moto is not installed, except in CI, where it must be.
    static func start() async throws -> MotoS3? {
        let check = try await Python.run("import moto.server, boto3; print('ok')", input: "")
        guard check == "ok\n" else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("moto[server] is missing (SHOPDESK_TEST_PYTHON)") }
            return nil
        }
        let port = try FreePort.pick()
        let script = """
            import json, os, sys
            os.environ['INITIAL_NO_AUTH_ACTION_COUNT'] = '3'
            from moto.server import ThreadedMotoServer
            import boto3
            port = int(sys.argv[1])
            server = ThreadedMotoServer(ip_address='127.0.0.1', port=port, verbose=False)
            server.start()
            endpoint = 'http://127.0.0.1:%d' % port
            iam = boto3.client('iam', endpoint_url=endpoint, region_name='us-east-1', aws_access_key_id='setup', aws_secret_access_key='setup')
            iam.create_user(UserName='shopdesk')
            iam.put_user_policy(UserName='shopdesk', PolicyName='files', PolicyDocument=json.dumps(
                {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 's3:*', 'Resource': '*'}]}))
            key = iam.create_access_key(UserName='shopdesk')['AccessKey']
            s3 = boto3.client('s3', endpoint_url=endpoint, region_name='eu-central-1',
                              aws_access_key_id=key['AccessKeyId'], aws_secret_access_key=key['SecretAccessKey'])
            s3.create_bucket(Bucket='shopdesk-files', CreateBucketConfiguration={'LocationConstraint': 'eu-central-1'})
            print(json.dumps({'endpoint': endpoint, 'key': key['AccessKeyId'], 'secret': key['SecretAccessKey']}), flush=True)
            sys.stdin.read()
            server.stop()
            """
        let service = try await PythonService.start(script, arguments: [String(port)], what: "moto")
        guard let ready = try? JSONSerialization.jsonObject(with: Data(service.firstLine.utf8)) as? [String: String],
              let endpoint = ready["endpoint"], let key = ready["key"], let secret = ready["secret"] else {
            service.stop()
            throw HarnessError("moto did not start: \(service.firstLine)")
        }
        return MotoS3(service: service, settings: S3Settings(endpoint: endpoint, bucket: "shopdesk-files", region: "eu-central-1",
                                                             accessKeyID: key, secretAccessKey: secret))
    }

    func stop() { service.stop() }
}

/// Several nodes, and moving files between stores.
@Suite("File stores: nodes and migration")
struct FileStoreNodeTests {
    /// A file uploaded to one node downloads from another, whose disk never had it.
    @Test(.enabled(if: TestDatabase.kinds.contains(.postgres), "needs SHOPDESK_TEST_POSTGRES_URL"))
    func everyNodeServesAFileAnotherNodeReceived() async throws {
        let moto = try await MotoS3.start()
        defer { moto?.stop() }
        var stores: [@Sendable (inout ServerConfiguration) -> Void] = [{ $0.fileStore = .database }]
        if let settings = moto?.settings { stores.append { ($0.fileStore, $0.s3) = (.s3, settings) } }
        for configure in stores {
            try await TestDatabase.withPostgresURL { url in
                let hash = try await PasswordHasher(cost: 4).hash(Harness.password)
                let token = try await Database.with(url: url, logger: TestDatabase.logger) { database in
                    let (owner, _) = try await Provisioning.createOwner(database: database, workspace: "Nodes", timeZone: "UTC",
                                                                        email: "nodes@example.com", name: "N", passwordHash: hash)
                    return try await Provisioning.createToken(database: database, agent: owner, name: "t")
                }
                let bytes = Array("the customer's invoice \(UUID())".utf8)
                try await RealtimeTests.node(url, configure: configure) { nodeA in
                    let id = try await nodeA.execute(
                        uri: "/api/v1/attachments", method: .post,
                        headers: [.authorization: "Bearer \(token)", .contentType: "application/pdf", HTTPField.Name("X-File-Name")!: "invoice.pdf"],
                        body: ByteBuffer(bytes: bytes)) { response in
                            #expect(response.status == .created)
                            return (try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])?["id"] as? Int
                        }
                    try await RealtimeTests.node(url, configure: configure) { nodeB in
                        let downloaded = try await nodeB.execute(uri: "/api/v1/attachments/\(try #require(id))/download", method: .get,
                                                                 headers: [.authorization: "Bearer \(token)"]) { response in
                            (response.status, Array(response.body.readableBytesView))
                        }
                        #expect(downloaded.0 == .ok && downloaded.1 == bytes)
                        let health = try await nodeB.json(.get, "/healthz")
                        #expect(try health.string("files") == "ok")
                    }
                }
            }
        }
    }

    /// `shopdesk files migrate` copies every referenced file from the disk into the database and
    /// then into S3, checking hashes and skipping what the target has; `files check` names a
    /// file a store lost.
    @Test(arguments: TestDatabase.kinds)
    func filesMoveBetweenStoresAndALostOneIsNamed(kind: DatabaseKind) async throws {
        let moto = try await MotoS3.start()
        defer { moto?.stop() }
        try await Harness.run(kind) { harness in
            var shas: [String] = []
            for index in 0..<3 {
                let bytes = Array("file \(index) \(UUID())".utf8)
                let status = try await harness.client.execute(
                    uri: "/api/v1/attachments", method: .post,
                    headers: [.authorization: "Bearer \(harness.ownerToken)", .contentType: "text/plain", HTTPField.Name("X-File-Name")!: "f\(index).txt"],
                    body: ByteBuffer(bytes: bytes)) { $0.status }
                #expect(status == .created)
                shas.append(SigV4.payloadHash(Data(bytes)))
            }
            var configuration = harness.services.config
            configuration.databaseURL = kind == .postgres ? try await BackupTests.postgresURL(harness) : try await Self.sqliteURL(harness)
            if let moto { configuration.s3 = moto.settings }
            let first = try await FileMigration.migrate(configuration: configuration, from: "local", to: "database", logger: TestDatabase.logger) { _, _ in }
            #expect(first.copied == 3 && first.missing.isEmpty && first.damaged.isEmpty, "\(first)")
            let again = try await FileMigration.migrate(configuration: configuration, from: "local", to: "database", logger: TestDatabase.logger) { _, _ in }
            #expect(again.copied == 0 && again.present == 3, "a second run copies nothing")
            configuration.fileStore = .database
            let checked = try await FileMigration.check(configuration: configuration, logger: TestDatabase.logger)
            #expect(checked.present == 3 && checked.missing.isEmpty)
            if moto != nil {
                let moved = try await FileMigration.migrate(configuration: configuration, from: "database", to: "s3", logger: TestDatabase.logger) { _, _ in }
                #expect(moved.copied == 3)
                configuration.fileStore = .s3
                #expect(try await FileMigration.check(configuration: configuration, logger: TestDatabase.logger).present == 3)
            }
            // A file lost from the disk is named, not skipped silently.
            try await LocalFileStore(dataDirectory: configuration.dataDirectory).delete(sha256: shas[1])
            configuration.fileStore = .local
            let lost = try await FileMigration.check(configuration: configuration, logger: TestDatabase.logger)
            #expect(lost.present == 2 && lost.missing == [shas[1]])
            await #expect(throws: ConfigurationError.self) {
                _ = try await FileMigration.migrate(configuration: configuration, from: "local", to: "local", logger: TestDatabase.logger) { _, _ in }
            }
        }
    }

    static func sqliteURL(_ harness: Harness) async throws -> String {
        let file = try await harness.database.read { try await $0.raw("PRAGMA database_list").all().first?.decode(column: "file", as: String.self) }
        return "sqlite:" + (try #require(file))
    }
}
