import Foundation
@testable import ShopdeskChannels
import Testing

@Suite("Mail authentication: addresses, SPF, DMARC, DNS messages")
struct MailAuthenticationTests {
    @Test func addressesParseAndMatchNetworks() throws {
        let four = try #require(IPAddress("192.0.2.77"))
        let network = try #require(IPAddress("192.0.2.0")), other = try #require(IPAddress("192.0.3.0"))
        #expect(four.matches(network, prefix: 24))
        #expect(!four.matches(other, prefix: 24))
        let six = try #require(IPAddress("2001:db8::1")), sixNetwork = try #require(IPAddress("2001:db8::"))
        #expect(six.bytes.count == 16 && six.matches(sixNetwork, prefix: 32))
        #expect(IPAddress("::ffff:192.0.2.77") == four, "an IPv4-mapped address is the IPv4 one")
        #expect(IPAddress("2001:db8::1::2") == nil && IPAddress("192.0.2") == nil && IPAddress("256.0.0.1") == nil && IPAddress("1:2:3:4:5:6:7:8:9") == nil)
        #expect(IPAddress("1:2:3:4:5:6:7:8")?.description == "1:2:3:4:5:6:7:8")
    }

    @Test func spfFollowsTheRecordsMechanisms() async throws {
        let resolver = StaticDNSResolver(
            txt: ["shop.hr": ["v=spf1 ip4:192.0.2.0/24 include:_spf.mailer.example mx a:web.shop.hr/30 ~all"],
                  "_spf.mailer.example": ["v=spf1 ip6:2001:db8:10::/48 -all"],
                  "strict.hr": ["v=spf1 redirect=shop.hr"],
                  "twice.hr": ["v=spf1 -all", "v=spf1 +all"],
                  "macro.hr": ["v=spf1 exists:%{i}.spf.macro.hr -all"],
                  "loop.hr": ["v=spf1 include:loop.hr -all"],
                  "down.hr": ["v=spf1 a:dns-down.hr -all"],
                  "other.hr": ["some verification token", "v=spf1 -all"]],
            addresses: ["mx1.shop.hr": ["198.51.100.5"], "web.shop.hr": ["203.0.113.8"]],
            mx: ["shop.hr": ["mx1.shop.hr"]],
            failing: ["dns-down.hr"])
        func check(_ ip: String, _ domain: String) async -> SPF.Result { await SPF.check(ip: IPAddress(ip)!, domain: domain, resolver: resolver) }
        #expect(await check("192.0.2.10", "shop.hr") == .pass)
        #expect(await check("2001:db8:10::25", "shop.hr") == .pass, "through include")
        #expect(await check("198.51.100.5", "shop.hr") == .pass, "through mx")
        #expect(await check("203.0.113.10", "shop.hr") == .pass, "through a/30")
        #expect(await check("203.0.113.20", "shop.hr") == .softfail)
        #expect(await check("203.0.113.20", "strict.hr") == .softfail, "redirect")
        #expect(await check("192.0.2.10", "nothing.hr") == .none)
        #expect(await check("192.0.2.10", "twice.hr") == .permerror, "two records")
        #expect(await check("192.0.2.10", "macro.hr") == .permerror, "macros are not expanded")
        #expect(await check("192.0.2.10", "loop.hr") == .permerror, "an include loop runs out of lookups")
        #expect(await check("192.0.2.10", "down.hr") == .temperror)
        #expect(await check("192.0.2.10", "other.hr") == .fail, "other TXT records are not SPF")
    }

    @Test func dmarcNeedsAnAlignedPass() async throws {
        let resolver = StaticDNSResolver(txt: ["_dmarc.kupac.hr": ["v=DMARC1; p=reject; sp=quarantine"],
                                            "_dmarc.strogo.hr": ["v=DMARC1; p=quarantine; adkim=s; aspf=s"],
                                            "_dmarc.shop.co.uk": ["v=DMARC1; p=none"]])
        let signed = [DKIMVerifier.Signature(result: .pass, domain: "kupac.hr", selector: "s1")]
        let pass = await DMARC.evaluate(from: "kupac.hr", spf: .none, spfDomain: nil, dkim: signed, resolver: resolver)
        #expect(pass.result == .pass && pass.policy == "reject")
        let subdomain = await DMARC.evaluate(from: "news.kupac.hr", spf: .pass, spfDomain: "bounce.kupac.hr", dkim: [], resolver: resolver)
        #expect(subdomain.result == .pass && subdomain.policy == "quarantine" && subdomain.domain == "kupac.hr", "relaxed SPF alignment, the tree walk, sp=")
        let spoofed = await DMARC.evaluate(from: "kupac.hr", spf: .pass, spfDomain: "evil.example",
                                           dkim: [DKIMVerifier.Signature(result: .pass, domain: "evil.example", selector: "x")], resolver: resolver)
        #expect(spoofed.result == .fail && spoofed.policy == "reject", "passes for another domain do not count")
        let strict = await DMARC.evaluate(from: "strogo.hr", spf: .none, spfDomain: nil,
                                          dkim: [DKIMVerifier.Signature(result: .pass, domain: "mail.strogo.hr", selector: "x")], resolver: resolver)
        #expect(strict.result == .fail, "adkim=s wants the exact domain")
        let british = await DMARC.evaluate(from: "shop.co.uk", spf: .pass, spfDomain: "mail.shop.co.uk", dkim: [], resolver: resolver)
        #expect(british.result == .pass && DMARC.organizational("mail.shop.co.uk") == "shop.co.uk")
        #expect(await DMARC.evaluate(from: "nopolicy.hr", spf: .fail, spfDomain: "nopolicy.hr", dkim: [], resolver: resolver).result == .none)
        let down = StaticDNSResolver(failing: ["_dmarc.kupac.hr"])
        #expect(await DMARC.evaluate(from: "kupac.hr", spf: .none, spfDomain: nil, dkim: [], resolver: down).result == .temperror)
    }

    /// Answers as a server sends them (a compressed name in MX), and hostile ones that must not
    /// loop or crash the parser.
    @Test func dnsMessagesParseAndHostileOnesAreRefused() {
        let query = DNSWire.query(id: 0x1234, name: "shop.hr", type: .mx)
        #expect(Array(query.prefix(2)) == [0x12, 0x34] && query.count == 12 + 9 + 4 + 11)
        // The answer: header, the question, one MX record whose host points back at the question's name.
        var answer: [UInt8] = [0x12, 0x34, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0]
        let question: [UInt8] = [4, 0x73, 0x68, 0x6F, 0x70, 2, 0x68, 0x72, 0, 0, 15, 0, 1]     // shop.hr MX IN
        let record: [UInt8] = [0xC0, 12, 0, 15, 0, 1, 0, 0, 0, 60, 0, 8, 0, 10, 3, 0x6D, 0x78, 0x31, 0xC0, 12]   // mx1 + pointer
        answer += question
        answer += record
        let parsed = DNSWire.parse(answer)
        #expect(parsed?.records.first?.text == "mx1.shop.hr" && parsed?.records.first?.preference == 10)
        #expect(parsed?.records.first?.ttl == 60)
        // A pointer to itself, a pointer forward, and truncated data: no answer, no hang.
        var looping = answer
        let at = looping.count - 2
        looping[at + 1] = UInt8(at)   // the MX host's pointer now points at itself
        #expect(DNSWire.parse(looping)?.records.first?.text == nil)
        #expect(DNSWire.parse(Array(answer.prefix(40))) == nil)
        #expect(DNSWire.parse([]) == nil)
    }
}
