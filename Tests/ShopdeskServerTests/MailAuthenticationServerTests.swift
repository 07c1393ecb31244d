import _CryptoExtras
import Crypto
import Foundation
@testable import ShopdeskChannels
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// DKIM against signatures made by dkimpy (PyPI, an implementation we did not write), and the
/// whole path over real sockets: Python's smtplib delivers to our SMTP receiver, which asks a DNS
/// server built from dnslib (PyPI) for SPF, DKIM and DMARC records.
@Suite("Mail authentication on receipt")
struct MailAuthenticationServerTests {
    static let key = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static var publicKey: String { key.publicKey.derRepresentation.base64EncodedString() }

    static func message(from: String = "Marta <marta@kupac.hr>", id: String = "\(UUID())@kupac.hr", subject: String = "Narudžba 1042",
                        body: String = "Gdje je moja narudžba?", extra: String = "") -> String {
        "From: \(from)\r\nTo: support@shop.example\r\nSubject: \(subject)\r\nDate: Sat, 05 Dec 2026 10:00:00 +0000\r\n"
            + "Message-ID: <\(id)>\r\n\(extra)MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\(body)\r\n"
    }

    /// dkimpy's signature of `message` for kupac.hr, selector s1.
    static func signed(_ message: String, canonicalize: (String, String) = ("relaxed", "relaxed"), length: Bool = false) async throws -> String {
        let script = """
            import base64, json, sys, dkim
            r = json.load(sys.stdin)
            signature = dkim.sign(r['message'].encode(), b's1', b'kupac.hr', r['key'].encode(),
                                  canonicalize=(r['c'][0].encode(), r['c'][1].encode()), length=r['length'],
                                  include_headers=[b'from', b'to', b'subject', b'date', b'message-id'])
            print(base64.b64encode(signature + r['message'].encode()).decode())
            """
        let input = try JSONSerialization.data(withJSONObject: ["message": message, "key": key.pemRepresentation,
                                                                "c": [canonicalize.0, canonicalize.1], "length": length])
        let output = try await Python.run(script, input: String(decoding: input, as: UTF8.self))
        let data = try #require(Data(base64Encoded: output.trimmingCharacters(in: .whitespacesAndNewlines)), "dkimpy printed: \(output)")
        return String(decoding: data, as: UTF8.self)
    }

    static var dkimpyAvailable: Bool {
        get async {
            let ok = (try? await Python.run("import dkim, dnslib; print('ok')", input: "")) == "ok\n"
            if !ok, ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("dkimpy and dnslib are missing (SHOPDESK_TEST_PYTHON)") }
            return ok
        }
    }

    @Test func dkimpysSignaturesVerifyAndAnyChangeBreaksThem() async throws {
        guard await Self.dkimpyAvailable else { return }
        let resolver = StaticDNSResolver(txt: ["s1._domainkey.kupac.hr": ["v=DKIM1; k=rsa; p=\(Self.publicKey)"]])
        for canonicalize in [("relaxed", "relaxed"), ("simple", "simple"), ("relaxed", "simple")] {
            let mail = try await Self.signed(Self.message(), canonicalize: canonicalize)
            let results = await DKIMVerifier.verify(Array(mail.utf8), resolver: resolver)
            #expect(results.map(\.result) == [.pass] && results.first?.domain == "kupac.hr", "\(canonicalize): \(results)")
        }
        let mail = try await Self.signed(Self.message())
        let body = await DKIMVerifier.verify(Array(mail.replacingOccurrences(of: "Gdje je", with: "Gdje nije").utf8), resolver: resolver)
        #expect(body.first?.result == .fail && body.first?.reason?.contains("body") == true, "\(body)")
        let subject = await DKIMVerifier.verify(Array(mail.replacingOccurrences(of: "Narudžba 1042", with: "Narudžba 1043").utf8), resolver: resolver)
        #expect(subject.first?.result == .fail && subject.first?.reason?.contains("does not match") == true, "\(subject)")
        // Relaxed canonicalization forgives re-folded whitespace, as mail relays do.
        let refolded = await DKIMVerifier.verify(Array(mail.replacingOccurrences(of: "Subject: Narudžba", with: "Subject:   Narudžba").utf8), resolver: resolver)
        #expect(refolded.first?.result == .pass)
        // l= leaves room for text appended after signing: not a pass.
        let limited = try await Self.signed(Self.message(), length: true) + "Ignore that: send it to Ilica 99.\r\n"
        #expect(await DKIMVerifier.verify(Array(limited.utf8), resolver: resolver).first?.result == .neutral)
        let revoked = StaticDNSResolver(txt: ["s1._domainkey.kupac.hr": ["v=DKIM1; k=rsa; p="]])
        #expect(await DKIMVerifier.verify(Array(mail.utf8), resolver: revoked).first?.result == .fail)
        #expect(await DKIMVerifier.verify(Array(mail.utf8), resolver: StaticDNSResolver()).first?.result == .permerror, "no key published")
    }

    @Test func spoofedMailNeverJoinsTheCustomersConversation() async throws {
        guard Python.available, await Self.dkimpyAvailable else { return }
        let dns = try await FakeDNS.start(records: [
            ["name": "s1._domainkey.kupac.hr", "type": "TXT", "value": "v=DKIM1; k=rsa; p=\(Self.publicKey)"],
            ["name": "kupac.hr", "type": "TXT", "value": "v=spf1 ip4:127.0.0.1 -all"],
            ["name": "_dmarc.kupac.hr", "type": "TXT", "value": "v=DMARC1; p=reject"],
            ["name": "evil.example", "type": "TXT", "value": "v=spf1 ip4:127.0.0.1 -all"],
        ])
        defer { dns.stop() }
        let port = try FreePort.pick()
        try await Harness.run(.sqlite, mode: .live, configure: {
            $0.allowPrivateWebhookTargets = true
            $0.smtpPort = port
            $0.mailAuthentication = true
            $0.dnsServer = "127.0.0.1:\(dns.port)"
        }) { harness in
            _ = try await MailFixture.make(harness)
            try await EmailChannelTests.waitForPort(port)
            let firstID = "first-\(UUID())@kupac.hr"
            let genuine = try await Self.signed(Self.message(id: firstID))
            #expect(try await Python.smtp(port: port, from: "marta@kupac.hr", to: ["support@shop.example"], message: genuine)["error"] == nil)
            let list = try await harness.client.json(.get, "/api/v1/conversations?view=all", token: harness.ownerToken)
            let first = try #require(list.items.first?["id"] as? Int)
            let thread = try await harness.client.json(.get, "/api/v1/conversations/\(first)/messages", token: harness.ownerToken)
            let auth = try #require(thread.items.first?["mail_auth"] as? [String: Any], "\(thread.text.prefix(3000))")
            #expect(auth["spf"] as? String == "pass" && (auth["dmarc"] as? [String: Any])?["result"] as? String == "pass", "\(auth)")
            #expect(((auth["dkim"] as? [[String: Any]])?.first?["result"]) as? String == "pass")

            // Someone else, from their own server, writes as Marta and replies into her thread.
            let spoof = Self.message(id: "spoof-\(UUID())@evil.example", subject: "Re: Narudžba 1042",
                                     body: "Please send my order to Ilica 99 instead.", extra: "In-Reply-To: <\(firstID)>\r\nReferences: <\(firstID)>\r\n")
            #expect(try await Python.smtp(port: port, from: "bounce@evil.example", to: ["support@shop.example"], message: spoof)["error"] == nil)
            let after = try await harness.client.json(.get, "/api/v1/conversations?view=all", token: harness.ownerToken)
            #expect(after.items.count == 2, "a conversation of its own")
            let spoofed = try #require(after.items.first { ($0["id"] as? Int) != first })
            #expect((spoofed["tags"] as? [String])?.contains("sender-unverified") == true, "\(spoofed)")
            let messages = try await harness.client.json(.get, "/api/v1/conversations/\(first)/messages", token: harness.ownerToken)
            #expect(messages.items.count == 1, "nothing was added to Marta's conversation")
            let spoofID = try #require(spoofed["id"] as? Int)
            let spoofMessages = try await harness.client.json(.get, "/api/v1/conversations/\(spoofID)/messages", token: harness.ownerToken)
            let spoofAuth = try #require(spoofMessages.items.first?["mail_auth"] as? [String: Any])
            #expect((spoofAuth["dmarc"] as? [String: Any])?["result"] as? String == "fail" && spoofAuth["spf"] as? String == "pass", "\(spoofAuth)")

            // The agent sees the warning above the spoof's text, and the quiet mark on Marta's mail.
            let base = "http://127.0.0.1:\(try #require(harness.client.port))"
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "\(base)/#/open/\(spoofID)")
                try await page.waitFor("document.querySelector('#thread .sender-check.unverified')?.innerText.includes('kupac.hr')", "the DMARC warning")
                _ = try await page.evaluate("location.hash = '#/open/\(first)'")
                try await page.waitFor("document.querySelector('#thread .sender-check.verified')?.innerText.includes('kupac.hr')", "the verified sender")
            }

            // Marta's own signed reply still threads.
            let reply = try await Self.signed(Self.message(id: "reply-\(UUID())@kupac.hr", subject: "Re: Narudžba 1042", body: "Hvala!",
                                                           extra: "In-Reply-To: <\(firstID)>\r\n"))
            _ = try await Python.smtp(port: port, from: "marta@kupac.hr", to: ["support@shop.example"], message: reply)
            #expect(try await harness.client.json(.get, "/api/v1/conversations/\(first)/messages", token: harness.ownerToken).items.count == 2)
        }
    }
}

/// A DNS server from dnslib (PyPI) answering from a table, over UDP and TCP on one port.
final class FakeDNS: Sendable {
    let service: PythonService
    let port: Int

    private init(service: PythonService, port: Int) { (self.service, self.port) = (service, port) }

    static func start(records: [[String: String]]) async throws -> FakeDNS {
        let port = try FreePort.pick()
        let script = """
            import json, sys
            from dnslib import RR, QTYPE, A, AAAA, MX, TXT, RCODE
            from dnslib.server import DNSServer, BaseResolver
            port, zone = int(sys.argv[1]), json.loads(sys.argv[2])
            class Zone(BaseResolver):
                def resolve(self, request, handler):
                    reply = request.reply()
                    name = str(request.q.qname).rstrip('.').lower()
                    kind = QTYPE[request.q.qtype]
                    known = False
                    for record in zone:
                        if record['name'].lower() != name:
                            continue
                        known = True
                        if record['type'] != kind:
                            continue
                        if kind == 'TXT':
                            value = record['value'].encode()
                            rdata = TXT([value[i:i + 255] for i in range(0, len(value), 255)])
                        elif kind == 'A':
                            rdata = A(record['value'])
                        elif kind == 'AAAA':
                            rdata = AAAA(record['value'])
                        else:
                            rdata = MX(record['value'], int(record.get('preference', '10')))
                        reply.add_answer(RR(request.q.qname, request.q.qtype, rdata=rdata, ttl=60))
                    if not known:
                        reply.header.rcode = RCODE.NXDOMAIN
                    return reply
            servers = [DNSServer(Zone(), port=port, address='127.0.0.1', tcp=tcp) for tcp in (False, True)]
            for server in servers:
                server.start_thread()
            print('ready', flush=True)
            sys.stdin.read()
            for server in servers:
                server.stop()
            """
        let records = String(decoding: try JSONSerialization.data(withJSONObject: records), as: UTF8.self)
        let service = try await PythonService.start(script, arguments: [String(port), records], what: "The DNS server", expecting: "ready")
        return FakeDNS(service: service, port: port)
    }

    func stop() { service.stop() }
}
