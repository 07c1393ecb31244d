import Foundation
import Logging
import NIOCore
import NIOPosix
import ShopdeskChannels
import Synchronization
import Testing

/// The mail receiver's listener over a real socket, with a drop that records what it was given:
/// per-recipient answers in LMTP, one copy per mailbox, and a failed store answered 451 so the
/// sender keeps the message.
@Suite("SMTP listener")
struct SMTPListenerTests {
    /// Mailboxes by address; `broken` fails to store.
    final class RecordingDrop: MailDrop {
        let delivered = Mutex<[(mailbox: String, message: String)]>([])
        let mailboxes = ["support@shop.example": "support", "Support+x@shop.example": "support", "returns@shop.example": "returns",
                         "broken@shop.example": "broken"]

        func mailbox(for address: String) async throws -> String? { mailboxes[address] }
        func same(_ first: String, _ second: String) -> Bool { first == second }
        func deliver(_ message: [UInt8], to mailbox: String, envelope: MailEnvelope) async throws -> String {
            struct StoreFailed: Error {}
            if mailbox == "broken" { throw StoreFailed() }
            delivered.withLock { $0.append((mailbox, String(decoding: message, as: UTF8.self))) }
            return "stored in \(mailbox)"
        }
    }

    /// Runs a listener on a port of the system's choosing for the duration of `body`.
    func withListener(lmtp: Bool, drop: RecordingDrop, _ body: (Int) async throws -> Void) async throws {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let listener = SMTPListener(host: "127.0.0.1", port: 0, lmtp: lmtp, maxMessageBytes: 10_000, tls: nil, drop: drop,
                                    logger: Logger(label: "test"))
        let task = Task { try await listener.run { continuation.yield($0) } }
        defer { task.cancel() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        try await body(port)
    }

    /// Sends `script` (lines joined with CRLF, pipelined as RFC 2920 allows) and returns the
    /// server's reply lines until it closes the connection.
    func converse(port: Int, _ script: [String]) async throws -> [String] {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton).connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
        }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: script.map { $0 + "\r\n" }.joined()))
            var received = ""
            for try await chunk in inbound { received += String(buffer: chunk) }
            return received.split(separator: "\r\n").map(String.init)
        }
    }

    @Test func lmtpAnswersEachRecipientAndStoresOneCopyPerMailbox() async throws {
        let drop = RecordingDrop()
        try await withListener(lmtp: true, drop: drop) { port in
            let replies = try await converse(port: port, [
                "LHLO client.example", "MAIL FROM:<ana@example.hr>",
                "RCPT TO:<support@shop.example>", "RCPT TO:<nobody@shop.example>", "RCPT TO:<Support+x@shop.example>",
                "RCPT TO:<broken@shop.example>", "RCPT TO:<returns@shop.example>",
                "DATA", "Subject: Povrat", "", "Hvala.", "..a line that started with a dot", ".", "QUIT",
            ])
            #expect(replies.contains("550 5.1.1 No mailbox here by that name"), "an unknown address is refused at RCPT")
            let afterData = Array(replies.drop { !$0.hasPrefix("354") }.dropFirst().prefix(4))
            #expect(afterData == ["250 2.0.0 OK: stored in support", "250 2.0.0 OK: stored in support",
                                  "451 4.3.0 Could not store the message; try again later", "250 2.0.0 OK: stored in returns"])
        }
        let delivered = drop.delivered.withLock { $0 }
        #expect(delivered.map(\.mailbox) == ["support", "returns"], "two addresses of one inbox are one copy")
        #expect(delivered.first?.message == "Subject: Povrat\r\n\r\nHvala.\r\n.a line that started with a dot\r\n")
    }

    @Test func smtpAnswersOnceAndAFailedStoreMakesTheSenderRetryAll() async throws {
        try await withListener(lmtp: false, drop: RecordingDrop()) { port in
            let replies = try await converse(port: port, [
                "EHLO client.example", "MAIL FROM:<ana@example.hr> SIZE=20000", "MAIL FROM:<ana@example.hr>",
                "RCPT TO:<support@shop.example>", "RCPT TO:<broken@shop.example>", "DATA", "Hello", ".", "QUIT",
            ])
            #expect(replies.contains("250-SIZE 10000"))
            #expect(replies.contains("552 5.3.4 Message too big: at most 10000 bytes"), "a declared size above the limit is refused at MAIL")
            #expect(replies.drop { !$0.hasPrefix("354") }.dropFirst().first == "451 4.3.0 Could not store the message; try again later")
        }
    }
}
