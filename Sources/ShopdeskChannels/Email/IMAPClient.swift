import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import ShopdeskCore

/// Just enough IMAP4rev1 (RFC 3501) to take mail out of a mailbox: LOGIN, SELECT, UID SEARCH,
/// UID FETCH BODY.PEEK[] (literals read exactly), UID STORE \Seen, UID MOVE, LOGOUT; over TLS
/// from the first byte (993), STARTTLS (143) or plain (a local server in tests).
public final class IMAPClient {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        /// A refusal (bad login, no such folder) rather than a network problem.
        public let permanent: Bool

        public init(description: String, permanent: Bool) {
            self.description = description
            self.permanent = permanent
        }
    }

    /// One response: the untagged lines before the tagged one, and the literals they carried.
    public struct Response {
        public var status: String
        public var text: String
        public var untagged: [String] = []
        public var literals: [[UInt8]] = []
    }

    private let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    private var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var buffer: [UInt8] = []
    private var counter = 0
    public private(set) var capabilities: Set<String> = []

    private init(channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, inbound: NIOAsyncChannelInboundStream<ByteBuffer>,
                 outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>) {
        self.channel = channel
        iterator = inbound.makeAsyncIterator()
        self.outbound = outbound
    }

    /// Connects, upgrades to TLS as configured, logs in, and runs `body`; always logs out.
    public static func session<T>(_ server: OutgoingSMTP, password: String?, accessToken: String? = nil, tls: MailTLS,
                           _ body: (IMAPClient) async throws -> T) async throws -> T {
        let failure = TLSFailure()
        do {
            return try await connected(server, password: password, accessToken: accessToken, tls: tls, failure: failure, body)
        } catch let error where !(error is CancellationError) {
            // A failed handshake says why in words an admin can act on.
            guard let explained = tls.explain(error, failure: failure, host: server.host) else { throw error }
            throw Failure(description: explained, permanent: true)
        }
    }

    private static func connected<T>(_ server: OutgoingSMTP, password: String?, accessToken: String?, tls: MailTLS, failure: TLSFailure,
                                     _ body: (IMAPClient) async throws -> T) async throws -> T {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await tls.connect(to: server, failure: failure)
        } catch {
            throw Failure(description: "Could not connect to \(server.host):\(server.port): \(error)", permanent: false)
        }
        return try await channel.executeThenClose { inbound, outbound in
            let client = IMAPClient(channel: channel, inbound: inbound, outbound: outbound)
            let greeting = try await client.line()
            guard greeting.hasPrefix("* OK") || greeting.hasPrefix("* PREAUTH") else {
                throw Failure(description: "\(server.host) greeted with \(greeting.prefix(100))", permanent: false)
            }
            try await client.readCapabilities()
            if server.security == .starttls {
                guard client.capabilities.contains("STARTTLS") else {
                    throw Failure(description: "\(server.host) does not offer STARTTLS; choose TLS (993).", permanent: true)
                }
                _ = try await client.command("STARTTLS")
                try await tls.startTLS(on: channel, host: server.host, failure: failure)
                try await client.readCapabilities()
            }
            if let accessToken {
                try await client.authenticateXOAUTH2(user: server.username ?? "", accessToken: accessToken, host: server.host)
            } else {
                try await client.command("LOGIN \(quoted(server.username ?? "")) \(quoted(password ?? ""))", hidden: true)
            }
            let result = try await body(client)
            _ = try? await client.command("LOGOUT")
            return result
        }
    }


    /// An IMAP quoted string (no CR or LF can be in one).
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .filter { $0 != "\r" && $0 != "\n" } + "\""
    }

    /// RFC 3501's AUTHENTICATE with XOAUTH2 (the token in the command where the server offers
    /// SASL-IR, else after its "+"). A refused token comes back as a "+" challenge with the reason,
    /// which is answered with an empty line before the tagged NO.
    private func authenticateXOAUTH2(user: String, accessToken: String, host: String) async throws {
        let response = XOAUTH2.initialResponse(user: user, accessToken: accessToken)
        counter += 1
        let tag = "S\(counter)"
        let inline = capabilities.contains("SASL-IR")
        try await outbound.write(ByteBuffer(string: inline ? "\(tag) AUTHENTICATE XOAUTH2 \(response)\r\n" : "\(tag) AUTHENTICATE XOAUTH2\r\n"))
        var sentResponse = inline
        var reason: String?
        while true {
            let line = try await self.line()
            if line.hasPrefix("+") {
                if sentResponse {
                    reason = XOAUTH2.reason(String(line.dropFirst()))
                    try await outbound.write(ByteBuffer(string: "\r\n"))
                } else {
                    try await outbound.write(ByteBuffer(string: response + "\r\n"))
                    sentResponse = true
                }
                continue
            }
            guard line.hasPrefix(tag + " ") else { continue }
            let status = line.dropFirst(tag.count + 1).prefix { $0 != " " }.uppercased()
            if status == "OK" {
                // Capabilities may change after signing in; the commands used here do not depend on them.
                return
            }
            throw Failure(description: "\(host) refused the OAuth sign-in\(reason.map { " (\($0))" } ?? ""): \(line.dropFirst(tag.count + 1).prefix(200)). "
                          + "Connect the mailbox again if this goes on.", permanent: false)
        }
    }

    private func readCapabilities() async throws {
        let response = try await command("CAPABILITY")
        for line in response.untagged where line.uppercased().hasPrefix("* CAPABILITY") {
            capabilities = Set(line.uppercased().split(separator: " ").dropFirst(2).map(String.init))
        }
    }

    /// Sends a tagged command and reads to its tagged answer; anything but OK is a failure.
    @discardableResult
    public func command(_ text: String, hidden: Bool = false) async throws -> Response {
        counter += 1
        let tag = "S\(counter)"
        try await outbound.write(ByteBuffer(string: "\(tag) \(text)\r\n"))
        var response = Response(status: "", text: "")
        while true {
            var line = try await self.line()
            // A literal: {n} at the end of the line, then exactly n bytes, then the rest of the line.
            while line.hasSuffix("}"), let open = line.lastIndex(of: "{"), let size = Int(line[line.index(after: open)..<line.index(before: line.endIndex)]) {
                response.literals.append(try await bytes(size))
                line = String(line[..<open]) + "{literal}" + (try await self.line())
            }
            if line.hasPrefix(tag + " ") {
                let rest = line.dropFirst(tag.count + 1)
                response.status = String(rest.prefix { $0 != " " }).uppercased()
                response.text = String(rest.dropFirst(response.status.count)).trimmingCharacters(in: .whitespaces)
                guard response.status == "OK" else {
                    let what = hidden ? String(text.prefix { $0 != " " }) : text
                    throw Failure(description: "The IMAP server refused \(what): \(response.status) \(response.text)", permanent: response.status == "NO")
                }
                return response
            }
            response.untagged.append(line)
        }
    }

    private func line() async throws -> String {
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                var end = newline
                if end > 0, buffer[end - 1] == 0x0D { end -= 1 }
                let line = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeFirst(newline + 1)
                return line
            }
            guard buffer.count < 1_000_000 else { throw Failure(description: "The IMAP server sent an endless line.", permanent: false) }
            try await fill()
        }
    }

    private func bytes(_ count: Int) async throws -> [UInt8] {
        guard count <= 64 * 1024 * 1024 else { throw Failure(description: "A message over 64 MB was refused.", permanent: false) }
        while buffer.count < count { try await fill() }
        let data = Array(buffer[..<count])
        buffer.removeFirst(count)
        return data
    }

    private func fill() async throws {
        guard let chunk = try await iterator.next() else { throw Failure(description: "The IMAP server closed the connection.", permanent: false) }
        buffer += chunk.readableBytesView
    }

    // MARK: the commands the poller uses

    /// SELECT: the folder's UIDVALIDITY.
    public func select(_ folder: String) async throws -> Int64 {
        let response = try await command("SELECT \(Self.quoted(folder))")
        for line in response.untagged + [response.text] {
            if let range = line.range(of: "UIDVALIDITY ") {
                let digits = line[range.upperBound...].prefix { $0.isNumber }
                if let value = Int64(digits) { return value }
            }
        }
        throw Failure(description: "The IMAP server gave no UIDVALIDITY for \(folder).", permanent: false)
    }

    /// UIDs above `after`, ascending.
    public func uids(after: Int64) async throws -> [Int64] {
        let response = try await command("UID SEARCH UID \(after + 1):*")
        let numbers = response.untagged.filter { $0.uppercased().hasPrefix("* SEARCH") }
            .flatMap { $0.split(separator: " ").dropFirst(2).compactMap { Int64($0) } }
        // "n:*" always names the last message, even below n.
        return numbers.filter { $0 > after }.sorted()
    }

    /// The whole message, without setting \Seen.
    public func fetch(_ uid: Int64) async throws -> [UInt8]? {
        try await command("UID FETCH \(uid) BODY.PEEK[]").literals.first
    }

    public func markSeen(_ uid: Int64) async throws {
        try await command("UID STORE \(uid) +FLAGS.SILENT (\\Seen)")
    }

    public func move(_ uid: Int64, to folder: String) async throws {
        if capabilities.contains("MOVE") {
            try await command("UID MOVE \(uid) \(Self.quoted(folder))")
        } else {
            try await command("UID COPY \(uid) \(Self.quoted(folder))")
            try await command("UID STORE \(uid) +FLAGS.SILENT (\\Seen \\Deleted)")
        }
    }

    /// IDLE (RFC 2177) until the mailbox reports new mail or `seconds` pass (checked whenever
    /// the server says anything; servers send keep-alives every few minutes). True: new mail.
    public func idle(seconds: TimeInterval) async throws -> Bool {
        counter += 1
        let tag = "S\(counter)"
        try await outbound.write(ByteBuffer(string: "\(tag) IDLE\r\n"))
        guard try await line().hasPrefix("+") else { throw Failure(description: "The IMAP server refused IDLE.", permanent: true) }
        let started = Date()
        var arrived = false
        while !arrived, Date().timeIntervalSince(started) < seconds {
            let update = try await line().uppercased()
            arrived = update.hasPrefix("* ") && (update.hasSuffix(" EXISTS") || update.hasSuffix(" RECENT"))
        }
        try await outbound.write(ByteBuffer(string: "DONE\r\n"))
        while true {
            let answer = try await line()
            if answer.hasPrefix(tag + " ") { return arrived }
        }
    }

}
