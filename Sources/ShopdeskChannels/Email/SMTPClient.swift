import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import ShopdeskCore

/// Hands a message to the shop's SMTP submission server: port 587 with STARTTLS (required),
/// 465 with TLS from the start, or plain for a local relay; AUTH PLAIN or LOGIN, or XOAUTH2 with
/// an OAuth access token (Gmail, Microsoft 365).
public enum SMTPClient {
    public enum Failure: Error, CustomStringConvertible {
        /// 4xx or a network problem: try again later.
        case temporary(String)
        /// 5xx: the server refused; retrying will not help.
        case permanent(String)

        public var description: String {
            switch self {
            case .temporary(let text), .permanent(let text): text
            }
        }
    }

    public static func send(_ message: [UInt8], from: String, to recipients: [String], server: OutgoingSMTP, password: String?,
                     accessToken: String? = nil, heloName: String, tls: MailTLS) async throws {
        let failure = TLSFailure()
        do {
            try await connected(message, from: from, to: recipients, server: server, password: password, accessToken: accessToken,
                                heloName: heloName, tls: tls, failure: failure)
        } catch let error where !(error is CancellationError) {
            // A failed handshake says why in words an admin can act on; the message is retried.
            guard let explained = tls.explain(error, failure: failure, host: server.host) else { throw error }
            throw Failure.temporary(explained)
        }
    }

    private static func connected(_ message: [UInt8], from: String, to recipients: [String], server: OutgoingSMTP, password: String?,
                                  accessToken: String?, heloName: String, tls: MailTLS, failure: TLSFailure) async throws {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await tls.connect(to: server, failure: failure)
        } catch {
            throw Failure.temporary("Could not connect to \(server.host):\(server.port): \(error)")
        }
        try await channel.executeThenClose { inbound, outbound in
            var conversation = Conversation(lines: LineReader(inbound), outbound: outbound)
            try await conversation.expect(220, after: nil)
            var capabilities = try await conversation.expect(250, after: "EHLO \(heloName)")
            if server.security == .starttls {
                guard capabilities.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) else {
                    throw Failure.permanent("\(server.host) does not offer STARTTLS; choose TLS (465) or check the server.")
                }
                try await conversation.expect(220, after: "STARTTLS")
                try await tls.startTLS(on: channel, host: server.host, failure: failure)
                capabilities = try await conversation.expect(250, after: "EHLO \(heloName)")
            }
            if let accessToken {
                // RFC 4954 with Google's and Microsoft's XOAUTH2: a refusal comes as 334 with the
                // reason (base64 JSON), answered with an empty line, then 535.
                let reply = try await conversation.reply([235, 334], after: "AUTH XOAUTH2 \(XOAUTH2.initialResponse(user: server.username ?? "", accessToken: accessToken))",
                                                          hide: true)
                if reply.code == 334 {
                    _ = try? await conversation.expect(235, after: "")
                    throw Failure.temporary("\(server.host) refused the OAuth sign-in\(XOAUTH2.reason(reply.lines.first ?? "").map { ": \($0)" } ?? ""). "
                                            + "Connect the mailbox again if this goes on.")
                }
            } else if let username = server.username, !username.isEmpty {
                let secret = password ?? ""
                let methods = capabilities.first { $0.uppercased().hasPrefix("AUTH") }?.uppercased() ?? ""
                if methods.contains("PLAIN") || !methods.contains("LOGIN") {
                    let token = Data(([0] + Array(username.utf8) + [0] + Array(secret.utf8))).base64EncodedString()
                    try await conversation.expect(235, after: "AUTH PLAIN \(token)", hide: true)
                } else {
                    try await conversation.expect(334, after: "AUTH LOGIN")
                    try await conversation.expect(334, after: Data(username.utf8).base64EncodedString(), hide: true)
                    try await conversation.expect(235, after: Data(secret.utf8).base64EncodedString(), hide: true)
                }
            }
            try await conversation.expect(250, after: "MAIL FROM:<\(from)>")
            for recipient in recipients {
                try await conversation.expect(250, 251, after: "RCPT TO:<\(recipient)>")
            }
            try await conversation.expect(354, after: "DATA")
            try await outbound.write(ByteBuffer(bytes: dotStuffed(message)))
            try await conversation.expect(250, after: nil)
            try? await outbound.write(ByteBuffer(string: "QUIT\r\n"))
        }
    }


    /// Lines starting with "." get another one; the message ends with CRLF "." CRLF.
    static func dotStuffed(_ message: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(message.count + 64)
        var atLineStart = true
        for byte in message {
            if atLineStart && byte == 0x2E { output.append(0x2E) }
            output.append(byte)
            atLineStart = byte == 0x0A
        }
        if !output.suffix(2).elementsEqual([0x0D, 0x0A]) { output += [0x0D, 0x0A] }
        return output + [0x2E, 0x0D, 0x0A]
    }

    /// Commands out, replies (possibly multi-line) in.
    private struct Conversation {
        var lines: LineReader
        let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

        /// Sends `command` (if any) and reads the reply; a code other than `codes` fails.
        /// Returns the reply's text lines (the capabilities after EHLO).
        @discardableResult
        mutating func expect(_ codes: Int..., after command: String?, hide: Bool = false) async throws -> [String] {
            try await reply(codes, after: command, hide: hide).lines
        }

        /// `expect` with the code that came, for commands with more than one good answer.
        mutating func reply(_ codes: [Int], after command: String?, hide: Bool = false) async throws -> (code: Int, lines: [String]) {
            if let command { try await outbound.write(ByteBuffer(string: command + "\r\n")) }
            var texts: [String] = []
            var code = 0
            while true {
                guard let line = try await lines.next(limit: 4096) else {
                    throw Failure.temporary("The SMTP server closed the connection\(command.map { " after \(hide ? "AUTH" : $0)" } ?? "").")
                }
                let text = String(decoding: line, as: UTF8.self)
                code = Int(text.prefix(3)) ?? 0
                texts.append(String(text.dropFirst(4)))
                if text.count < 4 || text[text.index(text.startIndex, offsetBy: 3)] != "-" { break }
            }
            guard codes.contains(code) else {
                let what = command.map { hide ? "AUTH" : String($0.prefix(60)) } ?? "the greeting"
                let reply = "\(code) \(texts.joined(separator: " "))"
                if (400..<500).contains(code) { throw Failure.temporary("The SMTP server answered \(what) with \(reply)") }
                throw Failure.permanent("The SMTP server answered \(what) with \(reply)")
            }
            return (code, texts)
        }
    }
}
