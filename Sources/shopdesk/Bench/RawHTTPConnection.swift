#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// One keep-alive HTTP/1.1 connection to the local server over a blocking socket.
///
/// The load generator shares the machine's two cores with the server it measures, so every
/// microsecond it spends is taken from the server. A general-purpose client (we used
/// AsyncHTTPClient first) costs far more per request than writing the request's bytes and
/// reading the answer, which is all a benchmark needs; tools such as wrk work the same way.
/// Each benchmark client owns one connection on a thread of its own.
final class RawHTTPConnection {
    private let socket: Int32
    private var unread: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    private let host: String

    init(port: Int) throws {
        host = "127.0.0.1:\(port)"
        #if canImport(Glibc)
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        socket = Darwin.socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard socket >= 0 else { throw BenchError("socket() failed: \(errno)") }
        var noDelay: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(socket)
            throw BenchError("Could not connect to 127.0.0.1:\(port): errno \(errno)")
        }
    }

    deinit { close(socket) }

    /// An answer's status and bytes; the text is decoded only when asked for (checking 30 KB of
    /// UTF-8 for every list page was a quarter of the load generator's time).
    struct Answer {
        var status: Int
        var bytes: [UInt8]
        var body: String { String(decoding: bytes, as: UTF8.self) }
    }

    /// Sends one request and reads the whole answer (Content-Length or chunked).
    func request(_ method: String, _ path: String, headers: [(String, String)], body: String? = nil) throws -> Answer {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        let bodyBytes = Array((body ?? "").utf8)
        if body != nil { head += "Content-Length: \(bodyBytes.count)\r\n" }
        head += "\r\n"
        try writeAll(Array(head.utf8) + bodyBytes)

        // The head is read as bytes: Foundation's trimming and lowercasing of every header line
        // were 2 % of the whole machine's time in the list phase, taken from the server.
        let answerHead = Array(try readUntilHeaderEnd())
        let prefix = Array("HTTP/1.1 ".utf8)
        guard answerHead.count >= prefix.count + 3, answerHead.starts(with: prefix),
              let status = Int(String(decoding: answerHead[prefix.count..<prefix.count + 3], as: UTF8.self)) else {
            throw BenchError("Not an HTTP answer: \(String(decoding: answerHead.prefix(100), as: UTF8.self))")
        }
        var contentLength: Int?
        var chunked = false
        for line in Self.lines(answerHead).dropFirst() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let name = line[line.startIndex..<colon]
            let value = line[(colon + 1)...].drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            if Self.equalsIgnoringCase(name, "content-length") {
                contentLength = Int(String(decoding: value.prefix { (48...57).contains($0) }, as: UTF8.self))
            } else if Self.equalsIgnoringCase(name, "transfer-encoding") {
                chunked = String(decoding: value, as: UTF8.self).lowercased().contains("chunked")
            }
        }
        let payload: [UInt8]
        if chunked {
            payload = try readChunked()
        } else {
            payload = try read(exactly: contentLength ?? 0)
        }
        return Answer(status: status, bytes: payload)
    }

    /// The lines of a head, split at CRLF.
    private static func lines(_ head: [UInt8]) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var start = 0
        var index = 0
        while index + 1 < head.count {
            if head[index] == 13, head[index + 1] == 10 {
                lines.append(head[start..<index])
                index += 2
                start = index
            } else {
                index += 1
            }
        }
        lines.append(head[start..<head.count])
        return lines
    }

    /// ASCII case-insensitive comparison of a header name with a lowercase name.
    private static func equalsIgnoringCase(_ bytes: ArraySlice<UInt8>, _ lowercase: StaticString) -> Bool {
        guard bytes.count == lowercase.utf8CodeUnitCount else { return false }
        return lowercase.withUTF8Buffer { expected in
            zip(bytes, expected).allSatisfy { (65...90).contains($0) ? $0 + 32 == $1 : $0 == $1 }
        }
    }

    private func writeAll(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard written > 0 else { throw BenchError("The server closed the connection while we wrote (errno \(errno)).") }
            offset += written
        }
    }

    private func fill() throws {
        let count = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { throw BenchError("The server closed the connection (errno \(errno)).") }
        unread.append(contentsOf: chunk[0..<count])
    }

    private func readUntilHeaderEnd() throws -> ArraySlice<UInt8> {
        var searchFrom = 0
        while true {
            if unread.count >= 4 {
                var index = max(0, searchFrom - 3)
                while index + 3 < unread.count {
                    if unread[index] == 13, unread[index + 1] == 10, unread[index + 2] == 13, unread[index + 3] == 10 {
                        let header = unread[0..<index]
                        let result = ArraySlice(Array(header))
                        unread.removeFirst(index + 4)
                        return result
                    }
                    index += 1
                }
                searchFrom = unread.count
            }
            try fill()
        }
    }

    private func read(exactly count: Int) throws -> [UInt8] {
        while unread.count < count { try fill() }
        let result = Array(unread[0..<count])
        unread.removeFirst(count)
        return result
    }

    private func readLine() throws -> String {
        while true {
            if let end = unread.indices.dropLast().first(where: { unread[$0] == 13 && unread[$0 + 1] == 10 }) {
                let line = String(decoding: unread[0..<end], as: UTF8.self)
                unread.removeFirst(end + 2)
                return line
            }
            try fill()
        }
    }

    private func readChunked() throws -> [UInt8] {
        var payload: [UInt8] = []
        while true {
            let sizeLine = try readLine()
            guard let size = Int(sizeLine.split(separator: ";").first ?? "", radix: 16) else {
                throw BenchError("Bad chunk size \"\(sizeLine)\".")
            }
            if size == 0 {
                _ = try readLine()   // the empty line after the last chunk (no trailers from our server)
                return payload
            }
            payload += try read(exactly: size)
            _ = try readLine()
        }
    }
}
