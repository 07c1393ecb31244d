import Crypto
import Foundation
import HummingbirdBcrypt
import NIOPosix
import ShopdeskChannels

/// Random tokens, their stored hashes, and comparisons that take the same time whatever matches.
public enum Secrets {
    /// A URL-safe random token with `bytes` bytes of entropy and an optional prefix.
    public static func token(prefix: String = "", bytes: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        let data = Data((0..<bytes).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        return prefix + Base64URL.encode(data)
    }

    /// Runs for every API request (the token's stored form), so the hex digits are written
    /// directly rather than through `String(format:)` per byte.
    public static func sha256Hex(_ text: String) -> String {
        hex(SHA256.hash(data: Data(text.utf8)))
    }

    public static func hmacSHA256Hex(key: String, message: Data) -> String {
        hex(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(key.utf8))))
    }

    /// Lowercase hexadecimal of `bytes`.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var result: [UInt8] = []
        result.reserveCapacity(64)
        for byte in bytes {
            result.append(digits[Int(byte >> 4)])
            result.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: result, as: UTF8.self)
    }

    /// Compares every byte of both inputs; the time depends only on the lengths.
    public static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}

/// bcrypt on a thread pool, so hashing never blocks the request threads.
public struct PasswordHasher: Sendable {
    public let cost: Int

    public init(cost: Int) { self.cost = cost }

    public static let minimumLength = 10

    public func hash(_ password: String) async throws -> String {
        try Self.validate(password)
        let cost = cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: UInt8(cost)) }
    }

    public func verify(_ password: String, hash: String) async -> Bool {
        guard password.utf8.count <= 200 else { return false }
        return (try? await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }) ?? false
    }

    public static func validate(_ password: String) throws {
        guard password.count >= minimumLength else {
            throw Problem(.unprocessableContent, "Choose a password of at least \(minimumLength) characters.", field: "password")
        }
        guard password.utf8.count <= 72 else {
            throw Problem(.unprocessableContent, "Passwords can be at most 72 bytes long.", field: "password")
        }
    }
}
