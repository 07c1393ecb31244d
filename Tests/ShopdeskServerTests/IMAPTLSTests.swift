import Foundation
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// IMAP over TLS against Dovecot with a certificate of its own: TLS from the first byte (993's
/// way) and STARTTLS, a certificate the admin told Shopdesk to trust, and one it does not.
@Suite("IMAP over TLS", .serialized)
struct IMAPTLSTests {
    @Test func mailIsPolledOverTLSAndAnUntrustedCertificateIsExplained() async throws {
        guard Python.available, Dovecot.available else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("imap-tls-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let certificate = try await SMTPTLSTests.certificate(in: directory)
        let dovecot = try await Dovecot.start(certificate: certificate)
        defer { dovecot.stop() }
        try await dovecot.append([MailFixture.mail(id: "tls-1@example.hr", body: "Preko TLS-a.")])

        // Shopdesk trusts the server's certificate (as SHOPDESK_TLS_CA_FILE would tell it to).
        try await Harness.run(.sqlite, mode: .live, configure: { $0.allowPrivateWebhookTargets = true; $0.tlsCAFile = certificate.cert }) { harness in
            let inboxID = try await Self.mailbox(harness, port: dovecot.tlsPort, security: "tls")
            let tested = try await harness.client.json(.post, "/api/v1/inboxes/\(inboxID)/email/imap/test", token: harness.ownerToken)
            #expect(tested.status == .ok, "\(tested.text)")
            #expect(try tested.int("waiting") == 1)
            try await harness.runJobs()
            let list = try await harness.client.json(.get, "/api/v1/conversations?view=all", token: harness.ownerToken)
            #expect(list.items.count == 1, "\(list.text)")
            let status = try await harness.client.json(.get, "/api/v1/inboxes/\(inboxID)/email/imap", token: harness.ownerToken)
            let fields = status.body as? [String: Any] ?? [:]
            #expect(fields["error"] == nil || fields["error"] is NSNull, "\(status.text)")
            #expect(try status.int("taken") == 1 && fields["succeeded_at"] is String, "\(status.text)")

            // The same mailbox through STARTTLS on the plain port; nothing new is waiting.
            try await dovecot.append([MailFixture.mail(from: "Ivan <ivan@example.hr>", subject: "Dostava", id: "tls-2@example.hr", body: "Još jedna.")])
            let starttls = try await Self.mailbox(harness, port: dovecot.port, security: "starttls", address: "orders@shop.example")
            let second = try await harness.client.json(.post, "/api/v1/inboxes/\(starttls)/email/imap/test", token: harness.ownerToken)
            #expect(second.status == .ok, "\(second.text)")
            #expect(try second.int("waiting") == 2, "a new inbox starts from the first message")
        }

        // Without it, the handshake fails and the admin reads why, on the test and on the status.
        try await Harness.run(.sqlite, mode: .live, configure: Harness.localServers) { harness in
            let inboxID = try await Self.mailbox(harness, port: dovecot.tlsPort, security: "tls")
            let tested = try await harness.client.json(.post, "/api/v1/inboxes/\(inboxID)/email/imap/test", token: harness.ownerToken)
            #expect(tested.status == .unprocessableContent)
            #expect(tested.text.contains("not trusted") && tested.text.contains("SHOPDESK_TLS_CA_FILE"), "\(tested.text)")
            try await harness.runJobs()
            let status = try await harness.client.json(.get, "/api/v1/inboxes/\(inboxID)/email/imap", token: harness.ownerToken)
            let fields = status.body as? [String: Any] ?? [:]
            #expect((fields["error"] as? String)?.contains("not trusted") == true, "\(status.text)")
            #expect(fields["succeeded_at"] == nil || fields["succeeded_at"] is NSNull)
            let list = try await harness.client.json(.get, "/api/v1/conversations?view=all", token: harness.ownerToken)
            #expect(list.items.isEmpty, "nothing is read from a server that could not prove who it is")
            let (_, agentToken) = try await harness.agent(role: .agent)
            let refused = try await harness.client.json(.get, "/api/v1/inboxes/\(inboxID)/email/imap", token: agentToken)
            #expect(refused.status == .forbidden)
        }
    }

    /// An email inbox polling Dovecot as `localhost` (the name on its certificate).
    static func mailbox(_ harness: Harness, port: Int, security: String, address: String = "support@shop.example") async throws -> Int64 {
        let created = try await harness.client.json(.post, "/api/v1/inboxes", token: harness.ownerToken, body: """
            {"name":"Mail \(address)","kind":"email","email":{"address":"\(address)",
             "imap":{"host":"localhost","port":\(port),"security":"\(security)","username":"shop","password":"s3cret"}}}
            """)
        #expect(created.status == .created, "\(created.text)")
        return try created.object("inbox").int("id")
    }
}
