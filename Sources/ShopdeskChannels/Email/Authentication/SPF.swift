/// Sender Policy Framework (RFC 7208): may `ip` send mail for `domain`? Mechanisms `all`,
/// `include`, `a`, `mx`, `ip4`, `ip6`, `exists` and the `redirect` modifier, with qualifiers; at
/// most 10 lookups that reach DNS (and 10 names per `mx`), as the RFC requires; macros are not
/// expanded (a record that needs them is a permerror, which DMARC treats like no SPF).
public enum SPF {
    public enum Result: String, Sendable, Codable {
        case pass, fail, softfail, neutral, none, permerror, temperror
    }

    struct Budget { var lookups = 0; var voidLookups = 0 }

    /// `domain` is the MAIL FROM's domain (or the HELO name when MAIL FROM is empty).
    public static func check(ip: IPAddress, domain: String, resolver: any DNSResolver) async -> Result {
        var budget = Budget()
        return await evaluate(ip: ip, domain: domain.lowercased(), resolver: resolver, budget: &budget, depth: 0)
    }

    static func evaluate(ip: IPAddress, domain: String, resolver: any DNSResolver, budget: inout Budget, depth: Int) async -> Result {
        guard depth < 10, isDomain(domain) else { return depth == 0 ? .none : .permerror }
        let records: [String]
        do { records = try await resolver.txt(domain) } catch { return .temperror }
        let spf = records.filter { $0.lowercased() == "v=spf1" || $0.lowercased().hasPrefix("v=spf1 ") }
        guard spf.count == 1 else { return spf.isEmpty ? .none : .permerror }
        var redirect: String?
        for term in spf[0].split(separator: " ").dropFirst() {
            var term = term.lowercased()[...]
            if term.hasPrefix("redirect=") { redirect = String(term.dropFirst(9)); continue }
            if term.contains("=") { continue }   // other modifiers (exp=) are ignored
            var qualifier = Result.pass
            switch term.first {
            case "+": term = term.dropFirst()
            case "-": qualifier = .fail; term = term.dropFirst()
            case "~": qualifier = .softfail; term = term.dropFirst()
            case "?": qualifier = .neutral; term = term.dropFirst()
            default: break
            }
            if term.contains("%") { return .permerror }
            // `mx:example.com/24`, `a/24`, `ip4:192.0.2.0/24`: the name ends at the first ':' or '/'.
            let (name, argument): (Substring, String?) = {
                guard let end = term.firstIndex(where: { $0 == ":" || $0 == "/" }) else { return (term, nil) }
                return (term[..<end], term[end] == ":" ? String(term[term.index(after: end)...]) : String(term[end...]))
            }()
            let (target, prefix4, prefix6) = split(argument, default: domain)
            switch name {
            case "all":
                return qualifier
            case "ip4", "ip6":
                guard let argument, let network = IPAddress(String(argument.split(separator: "/").first ?? "")) else { return .permerror }
                let bits = argument.split(separator: "/").dropFirst().first.flatMap { Int($0) } ?? (network.isIPv4 ? 32 : 128)
                if ip.matches(network, prefix: bits) { return qualifier }
            case "a", "mx":
                budget.lookups += 1
                guard budget.lookups <= 10 else { return .permerror }
                do {
                    var hosts = [target]
                    if name == "mx" {
                        hosts = try await resolver.mx(target)
                        guard hosts.count <= 10 else { return .permerror }
                    }
                    var found = false
                    for host in hosts {
                        let addresses = try await resolver.addresses(host)
                        if addresses.isEmpty { budget.voidLookups += 1 }
                        if addresses.contains(where: { ip.matches($0, prefix: $0.isIPv4 ? prefix4 : prefix6) }) { found = true; break }
                    }
                    if budget.voidLookups > 2 { return .permerror }
                    if found { return qualifier }
                } catch { return .temperror }
            case "exists":
                budget.lookups += 1
                guard budget.lookups <= 10 else { return .permerror }
                do { if try await !resolver.addresses(target).filter(\.isIPv4).isEmpty { return qualifier } } catch { return .temperror }
            case "include":
                budget.lookups += 1
                guard budget.lookups <= 10, argument != nil else { return .permerror }
                switch await evaluate(ip: ip, domain: target, resolver: resolver, budget: &budget, depth: depth + 1) {
                case .pass: return qualifier
                case .temperror: return .temperror
                case .permerror, .none: return .permerror
                default: continue
                }
            case "ptr":
                continue   // deprecated (RFC 7208 §5.5): never matches here
            default:
                return .permerror
            }
        }
        if let redirect {
            budget.lookups += 1
            guard budget.lookups <= 10 else { return .permerror }
            let result = await evaluate(ip: ip, domain: redirect, resolver: resolver, budget: &budget, depth: depth + 1)
            return result == .none ? .permerror : result
        }
        return .neutral
    }

    /// `domain/24//64` → the domain (or the default), the IPv4 and IPv6 prefix lengths.
    static func split(_ argument: String?, default domain: String) -> (String, Int, Int) {
        guard let argument, !argument.isEmpty else { return (domain, 32, 128) }
        let parts = argument.components(separatedBy: "/")
        let name = parts[0].isEmpty ? domain : parts[0]
        let four = parts.count > 1 ? Int(parts[1]) ?? 32 : 32
        let six = parts.count > 3 ? Int(parts[3]) ?? 128 : 128
        return (name, four, six)
    }

    static func isDomain(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 253 && name.contains(".")
            && name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { (1...63).contains($0.count) }
    }
}
