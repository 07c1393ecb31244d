import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// Where received mail goes: the server's email inboxes, found by recipient address.
public protocol MailDrop: Sendable {
    associatedtype Mailbox: Sendable
    /// The mailbox receiving mail for `address`; nil when there is none here (550). Throws when it
    /// cannot be looked up now (451: the sender tries again).
    func mailbox(for address: String) async throws -> Mailbox?
    /// Whether two recipients are one mailbox: two addresses of one inbox get one copy.
    func same(_ first: Mailbox, _ second: Mailbox) -> Bool
    /// Stores the message for `mailbox` and says what became of it ("stored as message 12"), for
    /// the 250 answer. Throws when it could not be stored: the answer is then 451 and the sender
    /// keeps the message and retries, so nothing is acknowledged and then lost.
    func deliver(_ message: [UInt8], to mailbox: Mailbox, envelope: MailEnvelope) async throws -> String
}

/// Who handed a message over: the connecting address, the name it greeted with, and MAIL FROM.
public struct MailEnvelope: Sendable {
    public var remoteAddress: String?
    public var helo: String
    public var mailFrom: String
    /// Whether the listener speaks LMTP, behind an MTA: the address is then the MTA's, not the sender's.
    public var behindMTA: Bool
    public init(remoteAddress: String?, helo: String, mailFrom: String, behindMTA: Bool) {
        (self.remoteAddress, self.helo, self.mailFrom, self.behindMTA) = (remoteAddress, helo, mailFrom, behindMTA)
    }
}

/// The built-in mail receiver's listener: SMTP for senders that reach Shopdesk directly, or LMTP
/// behind an MTA such as Postfix. Runs until cancelled.
public struct SMTPListener<Drop: MailDrop>: Sendable {
    let host: String
    let port: Int
    let lmtp: Bool
    let maxMessageBytes: Int
    /// For STARTTLS, when a certificate and key are configured.
    let tls: NIOSSLContext?
    let drop: Drop
    let logger: Logger

    public init(host: String, port: Int, lmtp: Bool, maxMessageBytes: Int, tls: NIOSSLContext?, drop: Drop, logger: Logger) {
        self.host = host; self.port = port; self.lmtp = lmtp; self.maxMessageBytes = maxMessageBytes; self.tls = tls
        self.drop = drop; self.logger = logger
    }

    /// Listens until cancelled; `listening` hears the port bound (the one asked for, or the one
    /// the system chose for port 0).
    public func run(listening: @Sendable (Int) -> Void = { _ in }) async throws {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { child in
                child.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child)
                }
            }
        let bound = channel.channel.localAddress?.port ?? port
        logger.info("Receiving mail", metadata: ["protocol": "\(lmtp ? "LMTP" : "SMTP")", "address": "\(host):\(bound)"])
        listening(bound)
        try await withThrowingDiscardingTaskGroup { group in
            try await channel.executeThenClose { connections in
                for try await connection in connections {
                    group.addTask {
                        do {
                            let channel = connection.channel
                            try await connection.executeThenClose { inbound, outbound in
                                var session = SMTPSession(drop: drop, lmtp: lmtp, maxMessageBytes: maxMessageBytes, outbound: outbound,
                                                          channel: channel, tls: tls)
                                try await session.run(inbound)
                            }
                        } catch {
                            logger.debug("SMTP connection ended", metadata: ["error": "\(error)"])
                        }
                    }
                }
            }
        }
    }
}

/// One SMTP/LMTP conversation with a sending server.
struct SMTPSession<Drop: MailDrop> {
    let drop: Drop
    let lmtp: Bool
    let maxMessageBytes: Int
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let channel: any Channel
    let tls: NIOSSLContext?

    private var sender: String?
    private var helo = ""
    private var secured = false
    private var recipients: [Drop.Mailbox] = []
    private var greeted = false

    static var maxRecipients: Int { 100 }
    static var maxCommandLine: Int { 2048 }

    init(drop: Drop, lmtp: Bool, maxMessageBytes: Int, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, channel: any Channel, tls: NIOSSLContext?) {
        self.drop = drop
        self.lmtp = lmtp
        self.maxMessageBytes = maxMessageBytes
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
                helo = String(argument.prefix(255))
                let starttls = tls != nil && !secured ? ["250-STARTTLS"] : []
                try await reply((["250-\(name) greets \(argument.prefix(100))", "250-SIZE \(maxMessageBytes)", "250-8BITMIME",
                                  "250-PIPELINING", "250-ENHANCEDSTATUSCODES"] + starttls + ["250 SMTPUTF8"]).joined(separator: "\r\n"))
            case "HELO" where !lmtp:
                reset()
                greeted = true
                helo = String(argument.prefix(255))
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
        if let size = Self.parameter("SIZE", in: argument).flatMap(Int.init), size > maxMessageBytes {
            return try await reply("552 5.3.4 Message too big: at most \(maxMessageBytes) bytes")
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
        let mailbox: Drop.Mailbox?
        do {
            mailbox = try await drop.mailbox(for: address)
        } catch {
            return try await reply("451 4.3.0 Cannot look the address up right now; try again later")
        }
        guard let mailbox else { return try await reply("550 5.1.1 No mailbox here by that name") }
        recipients.append(mailbox)
        try await reply("250 2.1.5 OK")
    }

    private mutating func data(_ lines: inout LineReader) async throws {
        guard sender != nil, !recipients.isEmpty else { return try await reply("503 5.5.1 RCPT first") }
        try await reply("354 End data with <CR><LF>.<CR><LF>")
        var message: [UInt8] = []
        var tooBig = false
        let limit = maxMessageBytes
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
        // One delivery per mailbox (two addresses of one inbox are one message there).
        var results: [String] = []
        for (index, mailbox) in recipients.enumerated() {
            if let earlier = recipients[..<index].firstIndex(where: { drop.same($0, mailbox) }) {
                results.append(results[earlier])
                continue
            }
            do {
                let envelope = MailEnvelope(remoteAddress: channel.remoteAddress?.ipAddress, helo: helo, mailFrom: sender ?? "", behindMTA: lmtp)
                results.append("250 2.0.0 OK: \(try await drop.deliver(message, to: mailbox, envelope: envelope))")
            } catch {
                results.append("451 4.3.0 Could not store the message; try again later")
            }
        }
        if lmtp {
            try await reply(results.joined(separator: "\r\n"))
        } else if let failure = results.first(where: { $0.hasPrefix("451") }) {
            // SMTP has one answer for all recipients: the sender retries them all, and the
            // inboxes that did store it recognise the Message-ID and keep one copy.
            try await reply(failure)
        } else {
            try await reply(results[0])
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
