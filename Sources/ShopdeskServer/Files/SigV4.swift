import Crypto
import Foundation
import ShopdeskCore

/// AWS Signature Version 4 for S3 requests (the documented "Authorization header" form, with the
/// payload's SHA-256 in `x-amz-content-sha256`). Pure: the same request, keys and time always give
/// the same headers, which is what the tests hold against AWS's published example and botocore.
struct SigV4: Sendable {
    let accessKeyID: String
    let secretAccessKey: String
    let region: String
    var service = "s3"

    /// The headers to add to a request of `method` to `url` with `headers` (names any case) and a
    /// body whose SHA-256 is `payloadHash` (lowercase hex): `x-amz-date`,
    /// `x-amz-content-sha256` and `authorization`. `host` is always signed.
    func sign(method: String, url: URL, headers: [String: String], payloadHash: String, date: Date) -> [String: String] {
        let stamp = Self.timestamp(date)
        let day = String(stamp.prefix(8))
        var signed: [String: String] = [:]
        for (name, value) in headers { signed[name.lowercased()] = Self.trimmed(value) }
        signed["host"] = Self.host(url)
        signed["x-amz-date"] = stamp
        signed["x-amz-content-sha256"] = payloadHash
        let names = signed.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(signed[$0]!)\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let canonicalRequest = [
            method.uppercased(), Self.canonicalPath(url), Self.canonicalQuery(url), canonicalHeaders, signedHeaders, payloadHash,
        ].joined(separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = ["AWS4-HMAC-SHA256", stamp, scope, Self.hex(SHA256.hash(data: Data(canonicalRequest.utf8)))].joined(separator: "\n")
        var key = SymmetricKey(data: Data("AWS4\(secretAccessKey)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
        return [
            "x-amz-date": stamp,
            "x-amz-content-sha256": payloadHash,
            "authorization": "AWS4-HMAC-SHA256 Credential=\(accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)",
        ]
    }

    static func payloadHash(_ data: Data) -> String { hex(SHA256.hash(data: data)) }

    /// `20130524T000000Z`, always in UTC.
    static func timestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ value: Int?) -> String { value.map { $0 < 10 ? "0\($0)" : "\($0)" } ?? "00" }
        return "\(parts.year ?? 1970)\(two(parts.month))\(two(parts.day))T\(two(parts.hour))\(two(parts.minute))\(two(parts.second))Z"
    }

    /// The Host header as the client sends it: the port only when it is not the scheme's default.
    static func host(_ url: URL) -> String {
        let host = url.host ?? ""
        guard let port = url.port else { return host }
        let defaultPort = url.scheme?.lowercased() == "https" ? 443 : 80
        return port == defaultPort ? host : "\(host):\(port)"
    }

    /// S3 encodes the path once (each segment's bytes, `/` kept), unlike other services.
    static func canonicalPath(_ url: URL) -> String {
        let path = URLComponents(url: url, resolvingAgainstBaseURL: false)?.percentEncodedPath ?? "/"
        guard !path.isEmpty else { return "/" }
        return path.split(separator: "/", omittingEmptySubsequences: false)
            .map { encode(String($0.removingPercentEncoding ?? String($0))) }
            .joined(separator: "/")
    }

    /// Parameters sorted by name then value, each name and value encoded; `name=` for no value.
    static func canonicalQuery(_ url: URL) -> String {
        guard let items = URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems, !items.isEmpty else { return "" }
        let pairs: [(name: String, value: String)] = items.map { (encode($0.name), encode($0.value ?? "")) }
        let sorted = pairs.sorted { left, right in left.name == right.name ? left.value < right.value : left.name < right.name }
        return sorted.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// RFC 3986 unreserved characters stay; every other byte is `%XX` in upper case: the same
    /// rule as form bodies, so the same encoder.
    static func encode(_ text: String) -> String { FormURLEncoding.encode(text) }

    /// Header values with leading and trailing space removed and inner runs of space made one.
    static func trimmed(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String { Secrets.hex(digest) }
}
