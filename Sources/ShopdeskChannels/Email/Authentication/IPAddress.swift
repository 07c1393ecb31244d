/// An IPv4 or IPv6 address as bytes (4 or 16), for SPF's `ip4:`/`ip6:`/`a`/`mx` matching.
public struct IPAddress: Sendable, Equatable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    public var isIPv4: Bool { bytes.count == 4 }

    /// `192.0.2.1`, `2001:db8::1` or `::ffff:192.0.2.1` (an IPv4-mapped address is the IPv4 one).
    public init?(_ text: String) {
        if !text.contains(":") {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            var out: [UInt8] = []
            for part in parts {
                guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let value = UInt8(part) else { return nil }
                out.append(value)
            }
            bytes = out
            return
        }
        var text = text
        // An IPv4 tail (`::ffff:192.0.2.1`) becomes two hex groups.
        if text.contains("."), let lastColon = text.lastIndex(of: ":") {
            guard let four = IPAddress(String(text[text.index(after: lastColon)...])), four.isIPv4 else { return nil }
            let b = four.bytes
            text = String(text[...lastColon]) + String(UInt16(b[0]) << 8 | UInt16(b[1]), radix: 16) + ":"
                + String(UInt16(b[2]) << 8 | UInt16(b[3]), radix: 16)
        }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            guard !part.isEmpty else { return [] }
            var out: [UInt16] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard (1...4).contains(group.count), let value = UInt16(group, radix: 16) else { return nil }
                out.append(value)
            }
            return out
        }
        guard let head = groups(halves[0]), let rest = halves.count == 2 ? groups(halves[1]) : [] else { return nil }
        let needed = 8
        var all: [UInt16]
        if halves.count == 2 {
            guard head.count + rest.count < needed else { return nil }
            all = head + Array(repeating: 0, count: needed - head.count - rest.count) + rest
        } else {
            guard head.count == needed else { return nil }
            all = head
        }
        let out = all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
        if out.count == 16, out[0..<10].allSatisfy({ $0 == 0 }), out[10] == 0xFF, out[11] == 0xFF {
            bytes = Array(out[12...])
        } else {
            bytes = out
        }
    }

    /// Whether the first `prefix` bits equal `network`'s (same family only).
    public func matches(_ network: IPAddress, prefix: Int) -> Bool {
        guard network.bytes.count == bytes.count else { return false }
        var bits = max(0, min(prefix, bytes.count * 8))
        for index in bytes.indices {
            guard bits > 0 else { return true }
            let take = min(8, bits)
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - take))
            if bytes[index] & mask != network.bytes[index] & mask { return false }
            bits -= take
        }
        return true
    }

    public var description: String {
        if isIPv4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }.joined(separator: ":")
    }
}
