import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// What mail authentication asks of DNS. `nil`/empty answers mean "no such record" (NXDOMAIN or
/// no data); a server that does not answer throws `DNSFailure`, which SPF and DMARC report as a
/// temporary error rather than as a failure of the sender.
public protocol DNSResolver: Sendable {
    func txt(_ name: String) async throws(DNSFailure) -> [String]
    /// A and AAAA records.
    func addresses(_ name: String) async throws(DNSFailure) -> [IPAddress]
    /// MX hosts, best preference first.
    func mx(_ name: String) async throws(DNSFailure) -> [String]
}

public struct DNSFailure: Error, CustomStringConvertible {
    public let description: String
    /// The server did not answer at all (rather than answering with an error).
    public var unanswered = false
    public init(_ description: String, unanswered: Bool = false) {
        self.description = description
        self.unanswered = unanswered
    }
}

/// DNS answers from a table: what SPF, DKIM and DMARC see in tests, without a network.
public struct StaticDNSResolver: DNSResolver {
    public var txt: [String: [String]]
    public var addresses: [String: [String]]
    public var mx: [String: [String]]
    /// Names whose lookups fail as a server that does not answer would.
    public var failing: Set<String>

    public init(txt: [String: [String]] = [:], addresses: [String: [String]] = [:], mx: [String: [String]] = [:], failing: Set<String> = []) {
        (self.txt, self.addresses, self.mx, self.failing) = (txt, addresses, mx, failing)
    }

    public func txt(_ name: String) async throws(DNSFailure) -> [String] {
        if failing.contains(name) { throw DNSFailure("timeout", unanswered: true) }
        return txt[name.lowercased()] ?? []
    }
    public func addresses(_ name: String) async throws(DNSFailure) -> [IPAddress] {
        if failing.contains(name) { throw DNSFailure("timeout", unanswered: true) }
        return (addresses[name.lowercased()] ?? []).compactMap(IPAddress.init)
    }
    public func mx(_ name: String) async throws(DNSFailure) -> [String] {
        if failing.contains(name) { throw DNSFailure("timeout", unanswered: true) }
        return mx[name.lowercased()] ?? []
    }
}

/// DNS messages (RFC 1035) for the three query types mail authentication needs, with EDNS0
/// (RFC 6891) so DKIM keys fit in one UDP answer. Parsing is bounded: compression pointers may
/// only point backwards and at most 64 are followed per name.
public enum DNSWire {
    public enum RecordType: UInt16, Sendable { case a = 1, mx = 15, txt = 16, aaaa = 28 }

    public struct Record: Sendable, Equatable {
        public var type: UInt16
        public var data: [UInt8]
        /// For MX: the host; for TXT: the strings joined; otherwise empty.
        public var text: String
        public var preference: UInt16 = 0
        /// Seconds the answer may be reused.
        public var ttl: UInt32 = 0
    }

    public struct Answer: Sendable {
        public var id: UInt16
        public var rcode: UInt8
        public var truncated: Bool
        public var records: [Record]
    }

    public static func query(id: UInt16, name: String, type: RecordType) -> [UInt8] {
        var out: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xFF), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1]
        for label in name.split(separator: ".") where !label.isEmpty {
            let bytes = Array(label.utf8.prefix(63))
            out.append(UInt8(bytes.count))
            out += bytes
        }
        out.append(0)
        out += [UInt8(type.rawValue >> 8), UInt8(type.rawValue & 0xFF), 0, 1]
        // OPT pseudo-record: root name, type 41, UDP payload 4096, no flags.
        out += [0, 0, 41, 0x10, 0x00, 0, 0, 0, 0, 0, 0]
        return out
    }

    public static func parse(_ bytes: [UInt8]) -> Answer? {
        guard bytes.count >= 12 else { return nil }
        func u16(_ at: Int) -> UInt16? { at + 1 < bytes.count ? UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1]) : nil }
        let id = u16(0)!, flags = u16(2)!
        guard flags & 0x8000 != 0, let questions = u16(4), let answers = u16(6) else { return nil }
        var offset = 12
        for _ in 0..<questions {
            guard let next = skipName(bytes, offset) else { return nil }
            offset = next + 4
        }
        var records: [Record] = []
        for _ in 0..<answers {
            guard let afterName = skipName(bytes, offset), let type = u16(afterName), let length = u16(afterName + 8) else { return nil }
            let start = afterName + 10, end = start + Int(length)
            guard end <= bytes.count else { return nil }
            let data = Array(bytes[start..<end])
            let ttl = (u16(afterName + 4).map { UInt32($0) << 16 } ?? 0) | UInt32(u16(afterName + 6) ?? 0)
            var record = Record(type: type, data: data, text: "", ttl: ttl)
            switch type {
            case RecordType.txt.rawValue:
                var index = 0, text: [UInt8] = []
                while index < data.count {
                    let count = Int(data[index])
                    guard index + 1 + count <= data.count else { return nil }
                    text += data[(index + 1)..<(index + 1 + count)]
                    index += 1 + count
                }
                record.text = String(decoding: text, as: UTF8.self)
            case RecordType.mx.rawValue:
                guard let preference = u16(start), let host = readName(bytes, start + 2) else { return nil }
                record.preference = preference
                record.text = host
            default: break
            }
            records.append(record)
            offset = end
        }
        return Answer(id: id, rcode: UInt8(flags & 0x0F), truncated: flags & 0x0200 != 0, records: records)
    }

    static func skipName(_ bytes: [UInt8], _ start: Int) -> Int? {
        var offset = start
        while offset < bytes.count {
            let length = Int(bytes[offset])
            if length == 0 { return offset + 1 }
            if length & 0xC0 == 0xC0 { return offset + 2 <= bytes.count ? offset + 2 : nil }
            offset += 1 + length
        }
        return nil
    }

    static func readName(_ bytes: [UInt8], _ start: Int) -> String? {
        var labels: [String] = [], offset = start, jumps = 0, limit = start
        while offset < bytes.count {
            let length = Int(bytes[offset])
            if length == 0 { return labels.joined(separator: ".") }
            if length & 0xC0 == 0xC0 {
                guard offset + 1 < bytes.count, jumps < 64 else { return nil }
                let target = (length & 0x3F) << 8 | Int(bytes[offset + 1])
                guard target < limit else { return nil }   // backwards only: no loops
                limit = target
                offset = target
                jumps += 1
                continue
            }
            guard offset + 1 + length <= bytes.count else { return nil }
            labels.append(String(decoding: bytes[(offset + 1)..<(offset + 1 + length)], as: UTF8.self))
            offset += 1 + length
        }
        return nil
    }
}

/// Asks one recursive resolver over UDP (TCP when the answer is truncated), on a thread of its
/// own: 2 s per try, two tries. The server is `SHOPDESK_DNS_SERVER` or the first IPv4
/// `nameserver` of /etc/resolv.conf. A server that did not answer is not asked again for 30 s
/// (every lookup meanwhile is a temporary error at once), so mail arriving while DNS is down
/// is stored without waiting on each of its lookups.
public struct UDPResolver: DNSResolver {
    public let host: String
    public let port: UInt16

    public init(host: String, port: UInt16 = 53) {
        self.host = host
        self.port = port
    }

    /// From `host[:port]`, or /etc/resolv.conf when nil.
    public static func configured(_ server: String?) -> UDPResolver {
        if let server, let host = server.split(separator: ":").first {
            let port = server.split(separator: ":").dropFirst().first.flatMap { UInt16($0) } ?? 53
            return UDPResolver(host: String(host), port: port)
        }
        let conf = (try? String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8)) ?? ""
        for line in conf.split(separator: "\n") {
            let words = line.split(whereSeparator: \.isWhitespace)
            if words.count >= 2, words[0] == "nameserver", inet_addr(String(words[1])) != INADDR_NONE { return UDPResolver(host: String(words[1])) }
        }
        return UDPResolver(host: "127.0.0.1")
    }

    public func txt(_ name: String) async throws(DNSFailure) -> [String] {
        try await ask(name, .txt).filter { $0.type == DNSWire.RecordType.txt.rawValue }.map(\.text)
    }

    public func addresses(_ name: String) async throws(DNSFailure) -> [IPAddress] {
        let four = try await ask(name, .a).filter { $0.type == 1 }.compactMap { IPAddress(bytes: $0.data) }
        let six = try await ask(name, .aaaa).filter { $0.type == 28 }.compactMap { IPAddress(bytes: $0.data) }
        return four + six
    }

    public func mx(_ name: String) async throws(DNSFailure) -> [String] {
        try await ask(name, .mx).filter { $0.type == DNSWire.RecordType.mx.rawValue }.sorted { $0.preference < $1.preference }.map(\.text)
    }

    /// Per server: until when it is taken to be down.
    private static let down = Mutex<[String: Date]>([:])
    /// Answers by server, name and type, until they expire: their TTL, at most 5 minutes (no
    /// answer: 1 minute). Mail from one sender asks the same names again and again.
    private static let cache = Mutex<[String: (records: [DNSWire.Record], until: Date)]>([:])
    static let cacheLimit = 10_000

    func ask(_ name: String, _ type: DNSWire.RecordType) async throws(DNSFailure) -> [DNSWire.Record] {
        let (host, port) = (host, port)
        let server = "\(host):\(port)"
        let key = "\(server) \(type.rawValue) \(name.lowercased())"
        let now = Date()
        if let cached = Self.cache.withLock({ $0[key] }), cached.until > now { return cached.records }
        if let until = Self.down.withLock({ $0[server] }), until > now {
            throw DNSFailure("The DNS server \(server) did not answer a moment ago; not asked again yet.")
        }
        let result: Result<[DNSWire.Record], DNSFailure> = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: Self.exchange(name: name, type: type, host: host, port: port))
            }
        }
        switch result {
        case .failure(let failure) where failure.unanswered:
            Self.down.withLock { $0[server] = Date().addingTimeInterval(30) }
        case .success(let records):
            let seconds = records.isEmpty ? 60 : min(300, Double(records.map(\.ttl).min() ?? 0))
            if seconds > 0 {
                Self.cache.withLock { cache in
                    if cache.count >= Self.cacheLimit { cache = cache.filter { $0.value.until > now } }
                    if cache.count < Self.cacheLimit { cache[key] = (records, now.addingTimeInterval(seconds)) }
                }
            }
        default: break
        }
        return try result.get()
    }

    static func exchange(name: String, type: DNSWire.RecordType, host: String, port: UInt16) -> Result<[DNSWire.Record], DNSFailure> {
        for _ in 0..<2 {
            let id = UInt16.random(in: 0...UInt16.max)
            let query = DNSWire.query(id: id, name: name, type: type)
            guard var answer = send(query, host: host, port: port, tcp: false), answer.id == id else { continue }
            if answer.truncated, let full = send(query, host: host, port: port, tcp: true), full.id == id { answer = full }
            switch answer.rcode {
            case 0, 3: return .success(answer.rcode == 3 ? [] : answer.records)   // NOERROR, NXDOMAIN
            default: return .failure(DNSFailure("The DNS server answered \(answer.rcode) for \(name)."))
            }
        }
        return .failure(DNSFailure("The DNS server \(host):\(port) did not answer for \(name).", unanswered: true))
    }

    private static func send(_ query: [UInt8], host: String, port: UInt16, tcp: Bool) -> DNSWire.Answer? {
        let descriptor = socket(AF_INET, Int32(tcp ? SOCK_STREAM.rawValue : SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr(host)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 65_535)
        if tcp {
            let framed = [UInt8(query.count >> 8), UInt8(query.count & 0xFF)] + query
            guard Glibc.send(descriptor, framed, framed.count, 0) == framed.count else { return nil }
            var received = 0, expected = -1
            while expected < 0 || received < expected + 2 {
                let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress! + received, $0.count - received, 0) }
                guard count > 0 else { return nil }
                received += count
                if expected < 0, received >= 2 { expected = Int(buffer[0]) << 8 | Int(buffer[1]) }
            }
            return DNSWire.parse(Array(buffer[2..<(expected + 2)]))
        }
        guard Glibc.send(descriptor, query, query.count, 0) == query.count else { return nil }
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress!, $0.count, 0) }
        guard count > 0 else { return nil }
        return DNSWire.parse(Array(buffer[0..<count]))
    }
}
