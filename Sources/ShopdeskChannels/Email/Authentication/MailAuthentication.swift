import Foundation
import ShopdeskMail

/// What the receiving side can tell about who sent a message: SPF for the connecting address,
/// DKIM for the signatures, and DMARC for the From domain. Shown on the message; a DMARC
/// failure keeps the message out of the customer's existing conversations.
public struct MailAuthentication: Sendable, Equatable, Codable {
    public var spf: SPF.Result
    /// The domain SPF checked (MAIL FROM's, or HELO's for an empty MAIL FROM).
    public var spfDomain: String?
    public var dkim: [DKIMVerifier.Signature]
    public var dmarc: DMARC.Outcome

    enum CodingKeys: String, CodingKey {
        case spf, dkim, dmarc
        case spfDomain = "spf_domain"
    }

    /// Whether the From address is proven not to be the sender's.
    public var dmarcFailed: Bool { dmarc.result == .fail }

    /// Where the message came from, as the SMTP receiver saw it.
    public struct Envelope: Sendable {
        public var address: IPAddress
        public var helo: String
        public var mailFrom: String
        public init(address: IPAddress, helo: String, mailFrom: String) {
            (self.address, self.helo, self.mailFrom) = (address, helo, mailFrom)
        }
    }

    /// Checks `message`; without an envelope (mail fetched over IMAP, or handed over by an MTA)
    /// SPF is `none` and DMARC rests on DKIM alone.
    public static func check(_ message: [UInt8], envelope: Envelope?, from: String, resolver: any DNSResolver, now: Date = Date()) async -> MailAuthentication {
        var spf = SPF.Result.none
        var spfDomain: String?
        if let envelope {
            let domain = envelope.mailFrom.split(separator: "@").last.map(String.init) ?? envelope.helo
            spfDomain = domain.isEmpty ? envelope.helo : domain
            spf = await SPF.check(ip: envelope.address, domain: spfDomain ?? "", resolver: resolver)
        }
        let dkim = await DKIMVerifier.verify(message, resolver: resolver, now: now)
        let fromDomain = from.split(separator: "@").last.map(String.init) ?? ""
        let dmarc = await DMARC.evaluate(from: fromDomain, spf: spf, spfDomain: spfDomain, dkim: dkim, resolver: resolver)
        return MailAuthentication(spf: spf, spfDomain: spfDomain, dkim: dkim, dmarc: dmarc)
    }
}
