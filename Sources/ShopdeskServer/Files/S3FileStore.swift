import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Where the `s3` file store writes: any S3-compatible endpoint and bucket.
struct S3Settings: Sendable, Equatable {
    /// `https://s3.eu-central-1.amazonaws.com`, `http://127.0.0.1:9000` (MinIO)…
    var endpoint = ""
    var bucket = ""
    var region = "us-east-1"
    var accessKeyID = ""
    var secretAccessKey = ""
    /// Prepended to every object's key (`shopdesk/`): several deployments can share a bucket.
    var prefix = ""
    /// `https://endpoint/bucket/key` (default: every S3-compatible server takes it) or
    /// `https://bucket.endpoint/key` (AWS's preferred form).
    var virtualHosted = false
}

/// Files as objects in an S3-compatible bucket, one object per hash, signed with Signature V4.
/// A PUT is acknowledged by S3 only once the object is stored durably, so `store` returning means
/// the file is safe; the body's SHA-256 is sent and checked by the server, so a damaged upload is
/// refused rather than kept.
struct S3FileStore: FileStore {
    let settings: S3Settings
    let signer: SigV4
    let client: HTTPClient
    var kind: FileStoreKind { .s3 }
    /// The largest object read back (the largest email accepted is 25 MB by default).
    static let maxObjectBytes = 256 * 1024 * 1024

    init(configuration settings: S3Settings, client: HTTPClient = .shared) {
        self.settings = settings
        self.signer = SigV4(accessKeyID: settings.accessKeyID, secretAccessKey: settings.secretAccessKey, region: settings.region)
        self.client = client
    }

    /// What the configuration must say; checked when it is read, so a node with an incomplete
    /// setting does not start.
    static func validate(_ settings: S3Settings) throws {
        guard let url = URL(string: settings.endpoint), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
            throw ConfigurationError("s3_endpoint must be the object store's http(s) address (https://s3.eu-central-1.amazonaws.com), not \"\(settings.endpoint)\".")
        }
        guard !settings.bucket.isEmpty, !settings.accessKeyID.isEmpty, !settings.secretAccessKey.isEmpty else {
            throw ConfigurationError("The s3 file store needs s3_bucket, s3_access_key_id and s3_secret_access_key.")
        }
    }

    func store(_ data: Data, sha256: String) async throws {
        let response = try await send("PUT", key: sha256, body: data)
        guard response.status == .ok else { throw failure("store \(sha256)", response) }
    }

    func load(sha256: String) async throws -> Data {
        let response = try await send("GET", key: sha256)
        if response.status == .notFound { throw FileStoreError.missing(sha256) }
        guard response.status == .ok else { throw failure("read \(sha256)", response) }
        return response.body
    }

    func exists(sha256: String) async throws -> Bool {
        let response = try await send("HEAD", key: sha256)
        if response.status == .notFound { return false }
        guard response.status == .ok else { throw failure("look up \(sha256)", response) }
        return true
    }

    func delete(sha256: String) async throws {
        let response = try await send("DELETE", key: sha256)
        guard response.status == .noContent || response.status == .ok || response.status == .notFound else {
            throw failure("delete \(sha256)", response)
        }
    }

    /// Whether the bucket answers to these keys (readiness).
    func checkBucket() async throws {
        let response = try await send("HEAD", key: nil)
        guard response.status == .ok else { throw failure("reach the bucket \(settings.bucket)", response) }
    }

    /// The object's address: path-style or virtual-hosted, the key's characters encoded once.
    /// Built as text and parsed, never through `URLComponents`' path setter, which traps on a
    /// character it does not take; nil for an endpoint that is not an http(s) address.
    func url(key: String?) -> URL? {
        guard let endpoint = URLComponents(string: settings.endpoint), let scheme = endpoint.scheme, let host = endpoint.host else { return nil }
        var base = endpoint.percentEncodedPath
        while base.hasSuffix("/") { base.removeLast() }
        let object = key.map { "/" + SigV4.encode(settings.prefix + $0).replacingOccurrences(of: "%2F", with: "/") } ?? ""
        let authority = (settings.virtualHosted ? "\(settings.bucket)." : "") + host + (endpoint.port.map { ":\($0)" } ?? "")
        let path = settings.virtualHosted ? base + (object.isEmpty ? "/" : object) : base + "/" + SigV4.encode(settings.bucket) + object
        return URL(string: "\(scheme)://\(authority)\(path)")
    }

    private struct Answer { var status: HTTPResponseStatus; var body: Data }

    private func send(_ method: String, key: String?, body: Data? = nil) async throws -> Answer {
        guard let target = url(key: key) else {
            throw FileStoreError.unavailable("s3_endpoint \(settings.endpoint) is not an http(s) address.")
        }
        var request = HTTPClientRequest(url: target.absoluteString)
        request.method = HTTPMethod(rawValue: method)
        var headers: [String: String] = [:]
        if let body {
            headers["content-length"] = String(body.count)
            headers["content-type"] = "application/octet-stream"
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let signed = signer.sign(method: method, url: target, headers: headers, payloadHash: SigV4.payloadHash(body ?? Data()), date: Date())
        for (name, value) in headers.merging(signed, uniquingKeysWith: { $1 }) { request.headers.replaceOrAdd(name: name, value: value) }
        do {
            let response = try await client.execute(request, timeout: .seconds(60))
            let bytes = method == "HEAD" ? ByteBuffer() : try await response.body.collect(upTo: Self.maxObjectBytes)
            return Answer(status: response.status, body: Data(bytes.readableBytesView))
        } catch {
            throw FileStoreError.unavailable("The object store at \(settings.endpoint) did not answer: \(error)")
        }
    }

    /// S3's error document names the reason (`SignatureDoesNotMatch`, `NoSuchBucket`…).
    private func failure(_ what: String, _ answer: Answer) -> FileStoreError {
        let text = String(decoding: answer.body.prefix(2_000), as: UTF8.self)
        let code = text.range(of: "<Code>").flatMap { start in
            text.range(of: "</Code>", range: start.upperBound..<text.endIndex).map { String(text[start.upperBound..<$0.lowerBound]) }
        }
        return .unavailable("The object store refused to \(what): \(answer.status.code) \(code ?? answer.status.reasonPhrase)")
    }
}
