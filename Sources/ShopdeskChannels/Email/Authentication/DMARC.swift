/// DMARC (RFC 7489, with the tree walk of its successor draft): does the domain in From
/// authenticate the message, through an SPF pass or a DKIM pass on a domain aligned with it?
public enum DMARC {
    public struct Outcome: Sendable, Equatable, Codable {
        public enum Result: String, Sendable, Codable { case pass, fail, none, temperror, permerror }
        public var result: Result
        /// The policy the domain asks for a failure: none, quarantine or reject.
        public var policy: String?
        /// The domain whose record applied.
        public var domain: String?
    }

    /// `from` is the From address's domain; `spf` the SPF result for `spfDomain` (the MAIL FROM's
    /// domain); `dkim` the signatures' results.
    public static func evaluate(from: String, spf: SPF.Result, spfDomain: String?, dkim: [DKIMVerifier.Signature],
                                resolver: any DNSResolver) async -> Outcome {
        let from = from.lowercased()
        var labels = from.split(separator: ".").map(String.init)
        guard labels.count >= 2 else { return Outcome(result: .none) }
        var record: [String: String]?
        var found: String?
        // The tree walk: the From domain, then each parent down to two labels, at most eight queries.
        var queries = 0
        while labels.count >= 2, queries < 8 {
            let name = labels.joined(separator: ".")
            queries += 1
            let texts: [String]
            do { texts = try await resolver.txt("_dmarc." + name) } catch { return Outcome(result: .temperror) }
            let records = texts.filter { $0.replacingOccurrences(of: " ", with: "").lowercased().hasPrefix("v=dmarc1") }
            if records.count == 1 {
                record = DKIMVerifier.tagList(records[0]).reduce(into: [:]) { $0[$1.key.lowercased()] = $1.value.lowercased() }
                found = name
                break
            }
            labels.removeFirst()
        }
        guard let record, let found else { return Outcome(result: .none) }
        guard let requested = record["p"], ["none", "quarantine", "reject"].contains(requested) else {
            return Outcome(result: .permerror, domain: found)
        }
        let policy = found != from ? (record["sp"] ?? requested) : requested
        let organization = organizational(from)
        func aligned(_ domain: String, strict: Bool) -> Bool {
            let domain = domain.lowercased()
            if strict { return domain == from }
            return organizational(domain) == organization
        }
        let spfAligned = spf == .pass && spfDomain.map { aligned($0, strict: record["aspf"] == "s") } == true
        let dkimAligned = dkim.contains { $0.result == .pass && aligned($0.domain, strict: record["adkim"] == "s") }
        return Outcome(result: spfAligned || dkimAligned ? .pass : .fail, policy: policy, domain: found)
    }

    /// The registrable domain, approximated without the public-suffix list: the last two labels,
    /// or three under a two-letter country code whose second level is a short generic label
    /// (`shop.co.uk`, `loja.com.br`, `trgovina.com.hr`).
    static func organizational(_ domain: String) -> String {
        let labels = domain.lowercased().split(separator: ".").map(String.init)
        guard labels.count > 2 else { return labels.joined(separator: ".") }
        let secondLevel = labels[labels.count - 2]
        let count = labels.last?.count == 2 && ["co", "com", "org", "net", "gov", "edu", "ac", "or", "ne", "gv", "from"].contains(secondLevel) ? 3 : 2
        return labels.suffix(count).joined(separator: ".")
    }
}
