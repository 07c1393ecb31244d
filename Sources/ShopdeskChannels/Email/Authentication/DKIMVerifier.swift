import _CryptoExtras
import Crypto
import Foundation
import ShopdeskMail

/// DKIM verification (RFC 6376, with RFC 8301's algorithms and RFC 8463's Ed25519): each
/// `DKIM-Signature` (the first five) is checked against the key its domain publishes at
/// `<s>._domainkey.<d>`. `rsa-sha256` (keys of 1024 bits and more) and `ed25519-sha256` pass;
/// `rsa-sha1` is refused (RFC 8301), and so is a signature whose `l=` leaves part of the body
/// unsigned, since text appended after it would pass as the signer's.
public enum DKIMVerifier {
    public struct Signature: Sendable, Equatable, Codable {
        public enum Result: String, Sendable, Codable { case pass, fail, neutral, temperror, permerror }
        public var result: Result
        public var domain: String
        public var selector: String
        public var reason: String?
    }

    public static func verify(_ message: [UInt8], resolver: any DNSResolver, now: Date = Date()) async -> [Signature] {
        let (fields, body) = DKIM.split(message)
        var results: [Signature] = []
        for (index, field) in fields.enumerated() where field.name.trimmingCharacters(in: .whitespaces).lowercased() == "dkim-signature" {
            guard results.count < 5 else { break }
            results.append(await check(field: field, position: index, fields: fields, body: body, resolver: resolver, now: now))
        }
        return results
    }

    static func check(field: (name: String, value: String), position: Int, fields: [(name: String, value: String)],
                      body: ArraySlice<UInt8>, resolver: any DNSResolver, now: Date) async -> Signature {
        let tags = tagList(field.value)
        let domain = tags["d"]?.lowercased() ?? "", selector = tags["s"] ?? ""
        func outcome(_ result: Signature.Result, _ reason: String) -> Signature {
            Signature(result: result, domain: domain, selector: selector, reason: reason)
        }
        guard tags["v"] == "1", let algorithm = tags["a"]?.lowercased(), let signature = tags["b"].flatMap({ Data(base64Encoded: $0) }),
              let bodyHash = tags["bh"], let signed = tags["h"], !domain.isEmpty, !selector.isEmpty else {
            return outcome(.permerror, "the signature lacks a required tag")
        }
        let names = signed.split(separator: ":").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard names.contains("from") else { return outcome(.permerror, "From is not signed") }
        if let expiry = tags["x"].flatMap(Double.init), expiry < now.timeIntervalSince1970 { return outcome(.fail, "the signature has expired") }
        guard ["rsa-sha256", "ed25519-sha256"].contains(algorithm) else { return outcome(.fail, "\(algorithm) is not accepted") }
        let canonicalization = (tags["c"] ?? "simple/simple").lowercased().split(separator: "/")
        let relaxedHeaders = canonicalization.first == "relaxed", relaxedBody = canonicalization.count > 1 && canonicalization[1] == "relaxed"

        let canonicalBody = relaxedBody ? DKIM.canonicalBody(body) : simpleBody(body)
        if let length = tags["l"].flatMap(Int.init), length < canonicalBody.count {
            return outcome(.neutral, "l= signs only the first \(length) bytes of the body")
        }
        guard Data(SHA256.hash(data: canonicalBody)).base64EncodedString() == bodyHash.filter({ !$0.isWhitespace }) else {
            return outcome(.fail, "the body has changed since it was signed")
        }

        // The signed fields, each name taken from the bottom up; then this signature without b=.
        var used = Set<Int>()
        var input: [UInt8] = []
        for name in names {
            guard let index = fields.indices.reversed().first(where: { !used.contains($0) && fields[$0].name.trimmingCharacters(in: .whitespaces).lowercased() == name })
            else { continue }
            used.insert(index)
            input += Array(canonical(fields[index], relaxed: relaxedHeaders).utf8) + [0x0D, 0x0A]
        }
        input += Array(canonical((field.name, withoutSignature(field.value)), relaxed: relaxedHeaders).utf8)

        let record: [String]
        do { record = try await resolver.txt("\(selector)._domainkey.\(domain)") } catch { return outcome(.temperror, "the key could not be looked up") }
        guard let keyRecord = record.first(where: { !$0.isEmpty }) else { return outcome(.permerror, "no key is published for this selector") }
        let key = tagList(keyRecord)
        guard let published = key["p"], !published.isEmpty else { return outcome(.fail, "the key has been revoked") }
        guard let keyBytes = Data(base64Encoded: published) else { return outcome(.permerror, "the published key is not base64") }
        let digest = SHA256.hash(data: input)
        let valid: Bool
        switch (algorithm, (key["k"] ?? "rsa").lowercased()) {
        case ("rsa-sha256", "rsa"):
            guard let publicKey = try? _RSA.Signing.PublicKey(unsafeDERRepresentation: keyBytes) else {
                return outcome(.permerror, "the published key is not an RSA key of 1024 bits or more")
            }
            valid = publicKey.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: digest, padding: .insecurePKCS1v1_5)
        case ("ed25519-sha256", "ed25519"):
            guard let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: keyBytes) else {
                return outcome(.permerror, "the published key is not an Ed25519 key")
            }
            valid = publicKey.isValidSignature(signature, for: Data(digest))
        default:
            return outcome(.permerror, "the key's type does not match the signature's algorithm")
        }
        return valid ? Signature(result: .pass, domain: domain, selector: selector, reason: nil) : outcome(.fail, "the signature does not match")
    }

    /// `a=rsa-sha256; d=shop.hr; …` → tags, with folding whitespace removed from values.
    static func tagList(_ text: String) -> [String: String] {
        var tags: [String: String] = [:]
        for part in text.split(separator: ";") {
            guard let equals = part.firstIndex(of: "=") else { continue }
            let name = part[..<equals].trimmingCharacters(in: .whitespacesAndNewlines)
            let value = part[part.index(after: equals)...].filter { !$0.isWhitespace && $0 != "\r" && $0 != "\n" }
            if tags[name] == nil { tags[name] = String(value) }
        }
        return tags
    }

    /// The DKIM-Signature's value with the b= tag's value emptied, everything else as it was.
    static func withoutSignature(_ value: String) -> String {
        var parts = value.components(separatedBy: ";")
        for index in parts.indices {
            guard let equals = parts[index].firstIndex(of: "="),
                  parts[index][..<equals].trimmingCharacters(in: .whitespacesAndNewlines) == "b" else { continue }
            parts[index] = String(parts[index][...equals])
        }
        return parts.joined(separator: ";")
    }

    static func canonical(_ field: (name: String, value: String), relaxed: Bool) -> String {
        relaxed ? DKIM.canonicalHeader(name: field.name, value: field.value) : field.name + ":" + field.value
    }

    /// Simple body canonicalization: trailing empty lines removed, an empty body is one CRLF.
    static func simpleBody(_ body: ArraySlice<UInt8>) -> [UInt8] {
        var bytes = Array(body)
        while bytes.count >= 4, bytes.suffix(4).elementsEqual([0x0D, 0x0A, 0x0D, 0x0A]) { bytes.removeLast(2) }
        if bytes.isEmpty || bytes == [0x0D, 0x0A] { return [0x0D, 0x0A] }
        if !bytes.suffix(2).elementsEqual([0x0D, 0x0A]) { bytes += [0x0D, 0x0A] }
        return bytes
    }
}
