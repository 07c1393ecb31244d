import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import ShopdeskCore
import ShopdeskStore

/// The built-in mail receiver: SMTP for senders that reach Shopdesk directly, or LMTP behind an
/// MTA such as Postfix (`smtp_mode = lmtp`). Mail is routed by recipient to an email inbox. A
/// message is acknowledged (250) only after it is committed; when it cannot be, the answer is
/// 451 and the sender keeps it and retries. Nothing is acknowledged and then lost.
struct SMTPServer: Service {
    let services: AppServices
    let host: String
    let port: Int
    let lmtp: Bool

    /// The TLS context for STARTTLS, when a certificate and key are configured.
    static func tlsContext(_ configuration: ServerConfiguration) throws -> NIOSSLContext? {
        guard let certificate = configuration.smtpTLSCertificate, let key = configuration.smtpTLSKey else { return nil }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
            let tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw ConfigurationError("The mail receiver's TLS certificate (\(certificate)) or key (\(key)) cannot be read: \(error)")
        }
    }

    func run() async throws {
        let tls = try Self.tlsContext(services.config)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { child in
                child.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child)
                }
            }
        services.logger.info("Receiving mail", metadata: ["protocol": "\(lmtp ? "LMTP" : "SMTP")", "address": "\(host):\(port)"])
        try await cancelWhenGracefulShutdown {
            try await withThrowingDiscardingTaskGroup { group in
                try await channel.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask {
                            do {
                                let channel = connection.channel
                                try await connection.executeThenClose { inbound, outbound in
                                    var session = SMTPSession(services: services, lmtp: lmtp, outbound: outbound, channel: channel, tls: tls)
                                    try await session.run(inbound)
                                }
                            } catch {
                                services.logger.debug("SMTP connection ended", metadata: ["error": "\(error)"])
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One SMTP/LMTP conversation with a sending server.
struct SMTPSession {
    let services: AppServices
    let lmtp: Bool
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let channel: any Channel
    let tls: NIOSSLContext?

    private var sender: String?
    private var secured = false
    private var recipients: [(address: String, inbox: Inbox)] = []
    private var greeted = false

    static let maxRecipients = 100
    static let maxCommandLine = 2048

    init(services: AppServices, lmtp: Bool, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, channel: any Channel, tls: NIOSSLContext?) {
        self.services = services
        self.lmtp = lmtp
        self.outbound = outbound
        self.channel = channel
        self.tls = tls
    }

    private var name: String { "Shopdesk" }

    mutating func run(_ inbound: NIOAsyncChannelInboundStream<ByteBuffer>) async throws {
        var lines = LineReader(inbound)
        try await reply("220 \(name) \(lmtp ? "LMTP" : "ESMTP") ready")
        while let next = try await lines.nextLine(limit: Self.maxCommandLine) {
            guard case .text(let line) = next else {
                try await reply("500 5.5.2 Line too long")
                continue
            }
            guard let command = String(validating: line, as: UTF8.self) else {
                try await reply("500 5.5.2 Commands are ASCII")
                continue
            }
            let verb = command.prefix { $0 != " " }.uppercased()
            let argument = command.dropFirst(verb.count).trimmingCharacters(in: .whitespaces)
            switch verb {
            case "EHLO" where !lmtp, "LHLO" where lmtp:
                reset()
                greeted = true
                let starttls = tls != nil && !secured ? ["250-STARTTLS"] : []
                try await reply((["250-\(name) greets \(argument.prefix(100))", "250-SIZE \(services.config.maxEmailBytes)", "250-8BITMIME",
                                  "250-PIPELINING", "250-ENHANCEDSTATUSCODES"] + starttls + ["250 SMTPUTF8"]).joined(separator: "\r\n"))
            case "HELO" where !lmtp:
                reset()
                greeted = true
                try await reply("250 \(name)")
            case "MAIL":
                try await mail(argument)
            case "RCPT":
                try await recipient(argument)
            case "DATA":
                try await data(&lines)
            case "RSET":
                reset()
                try await reply("250 2.0.0 Reset")
            case "NOOP":
                try await reply("250 2.0.0 OK")
            case "VRFY":
                try await reply("252 2.5.0 Send some mail and see")
            case "STARTTLS":
                guard let tls else { try await reply("454 4.7.0 TLS is not configured on this server"); continue }
                guard !secured else { try await reply("503 5.5.1 TLS is already active"); continue }
                guard lines.isEmpty else {
                    // Anything sent after STARTTLS before the handshake would be plaintext smuggled into the session.
                    try await reply("501 5.5.4 Nothing may follow STARTTLS before the TLS handshake")
                    return
                }
                try await startTLS(tls)
                secured = true
                // RFC 3207: after the handshake the client starts over with EHLO.
                reset()
                greeted = false
            case "QUIT":
                try await reply("221 2.0.0 Bye")
                return
            default:
                try await reply("500 5.5.1 Unknown command")
            }
        }
    }

    private mutating func reset() {
        sender = nil
        recipients = []
    }

    private mutating func mail(_ argument: String) async throws {
        guard greeted else { return try await reply("503 5.5.1 Say \(lmtp ? "LHLO" : "EHLO") first") }
        guard argument.uppercased().hasPrefix("FROM:"), let address = Self.path(argument.dropFirst(5)) else {
            return try await reply("501 5.5.4 Syntax: MAIL FROM:<address>")
        }
        if let size = Self.parameter("SIZE", in: argument).flatMap(Int.init), size > services.config.maxEmailBytes {
            return try await reply("552 5.3.4 Message too big: at most \(services.config.maxEmailBytes) bytes")
        }
        reset()
        sender = address
        try await reply("250 2.1.0 OK")
    }

    private mutating func recipient(_ argument: String) async throws {
        guard sender != nil else { return try await reply("503 5.5.1 MAIL first") }
        guard argument.uppercased().hasPrefix("TO:"), let address = Self.path(argument.dropFirst(3)), !address.isEmpty else {
            return try await reply("501 5.5.4 Syntax: RCPT TO:<address>")
        }
        guard recipients.count < Self.maxRecipients else { return try await reply("452 4.5.3 Too many recipients") }
        let inbox: Inbox?
        do {
            inbox = try await services.database.read { try await InboxRepository.emailInbox(receiving: address, in: $0) }
        } catch {
            return try await reply("451 4.3.0 Cannot look the address up right now; try again later")
        }
        guard let inbox else { return try await reply("550 5.1.1 No mailbox here by that name") }
        recipients.append((address, inbox))
        try await reply("250 2.1.5 OK")
    }

    private mutating func data(_ lines: inout LineReader) async throws {
        guard sender != nil, !recipients.isEmpty else { return try await reply("503 5.5.1 RCPT first") }
        try await reply("354 End data with <CR><LF>.<CR><LF>")
        var message: [UInt8] = []
        var tooBig = false
        let limit = services.config.maxEmailBytes
        while true {
            // A line may be as long as the message may be (RFC 5321 says 1,000 bytes, but mail
            // programs send longer ones); one longer than that makes the message too big, answered
            // at its end, never a reset the sender would retry for days.
            guard let next = try await lines.nextLine(limit: limit) else { return }   // the sender hung up: nothing acknowledged
            guard case .text(let line) = next else { tooBig = true; continue }
            if line == [0x2E] { break }
            let content = line.first == 0x2E ? line.dropFirst() : line[...]   // dot-unstuffing
            if message.count + content.count + 2 > limit { tooBig = true }
            if !tooBig {
                message += content
                message += [0x0D, 0x0A]
            }
        }
        defer { reset() }
        if tooBig {
            return try await reply(lmtp ? Array(repeating: "552 5.3.4 Message too big", count: recipients.count).joined(separator: "\r\n")
                                        : "552 5.3.4 Message too big: at most \(limit) bytes")
        }
        // One delivery per inbox (two addresses of one inbox are one message there).
        var results: [Int64: String] = [:]
        let receiver = EmailReceiver(services: services)
        for (_, inbox) in recipients where results[inbox.id.rawValue] == nil {
            do {
                switch try await receiver.receive(message, inbox: inbox) {
                case .stored(let result): results[inbox.id.rawValue] = "250 2.0.0 OK: stored as message \(result.messageID)"
                case .quarantined(let id, _): results[inbox.id.rawValue] = "250 2.0.0 OK: kept for review (\(id))"
                case .bounced(let message): results[inbox.id.rawValue] = "250 2.0.0 OK: delivery report for message \(message)"
                case .report(let id): results[inbox.id.rawValue] = "250 2.0.0 OK: report kept (\(id))"
                }
            } catch {
                services.logger.error("Could not store an email; the sender will retry", metadata: ["error": "\(error)"])
                results[inbox.id.rawValue] = "451 4.3.0 Could not store the message; try again later"
            }
        }
        if lmtp {
            try await reply(recipients.map { results[$0.inbox.id.rawValue]! }.joined(separator: "\r\n"))
        } else if let failure = results.values.first(where: { $0.hasPrefix("451") }) {
            // SMTP has one answer for all recipients: the sender retries them all, and the
            // inboxes that did store it recognise the Message-ID and keep one copy.
            try await reply(failure)
        } else {
            try await reply(results.values.first!)
        }
    }

    /// Answers 220 and puts TLS in front of the connection in one event-loop turn, so that the
    /// answer leaves in plaintext and the client's handshake, which can only follow it, meets TLS.
    private func startTLS(_ context: NIOSSLContext) async throws {
        let channel = self.channel
        try await channel.eventLoop.submit {
            channel.writeAndFlush(ByteBuffer(string: "220 2.0.0 Ready to start TLS\r\n"), promise: nil)
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context), position: .first)
        }.get()
    }

    private func reply(_ text: String) async throws {
        try await outbound.write(ByteBuffer(string: text + "\r\n"))
    }

    /// The address in `<…>` (or bare), without source routes; `<>` is the empty reverse path.
    static func path(_ text: Substring) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("<") {
            guard let close = trimmed.firstIndex(of: ">") else { return nil }
            var inner = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
            if inner.hasPrefix("@"), let colon = inner.firstIndex(of: ":") { inner = String(inner[inner.index(after: colon)...]) }
            return inner
        }
        return trimmed.split(separator: " ").first.map(String.init)
    }

    static func parameter(_ name: String, in argument: String) -> String? {
        argument.split(separator: " ").first { $0.uppercased().hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
    }
}

/// Lines (without their CRLF or LF) from a byte stream.
struct LineReader {
    private var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private var buffer: [UInt8] = []
    private var start = 0

    init(_ stream: NIOAsyncChannelInboundStream<ByteBuffer>) {
        iterator = stream.makeAsyncIterator()
    }

    enum Line: Equatable {
        case text([UInt8])
        /// A line longer than the limit, read to its end and dropped (never held in memory whole).
        case tooLong
    }

    /// No bytes are waiting beyond the last line read.
    var isEmpty: Bool { start >= buffer.count }

    /// The next line, or nil at the end of the stream or when a line is longer than `limit`
    /// (for clients, to whom such a line is a protocol violation).
    mutating func next(limit: Int) async throws -> [UInt8]? {
        guard case .text(let line)? = try await nextLine(limit: limit) else { return nil }
        return line
    }

    /// The next line or `.tooLong`; nil only at the end of the stream. Each byte is looked at
    /// once however the line arrives (a long line in many small reads is not searched again
    /// from its start for every read).
    mutating func nextLine(limit: Int) async throws -> Line? {
        var scanned = start
        var overflowed = false
        while true {
            if let newline = buffer[scanned...].firstIndex(of: 0x0A) {
                var end = newline
                if end > start && buffer[end - 1] == 0x0D { end -= 1 }
                let line = overflowed ? nil : Array(buffer[start..<end])
                start = newline + 1
                if start > 65_536 {
                    buffer.removeFirst(start)
                    start = 0
                }
                return line.map(Line.text) ?? .tooLong
            }
            if buffer.count - start > limit {
                // Too long: forget what was read of it and keep reading to its end.
                overflowed = true
                buffer.removeAll(keepingCapacity: true)
                start = 0
            }
            scanned = buffer.count
            guard let chunk = try await iterator.next() else { return nil }
            buffer += chunk.readableBytesView
        }
    }
}
