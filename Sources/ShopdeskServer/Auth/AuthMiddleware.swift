import Foundation
import HTTPTypes
import Hummingbird
import ShopdeskCore
import ShopdeskStore

/// Works out who is calling: an `Authorization: Bearer` API token, or the session cookie.
///
/// Cookie-authenticated writes must also send the session's CSRF token in `X-CSRF-Token`, since
/// a browser attaches cookies to requests that other sites trigger. Bearer tokens are not sent
/// automatically by browsers, so they need no CSRF token.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let cookieName = "shopdesk_session"

    let database: Database
    var limiter: APIRateLimiter? = nil
    var perCaller = 0
    var perAddress = 0

    /// Routes that start a session and act for no one yet. A browser still holding another
    /// session's cookie must be able to use them: they ignore the cookie (and so its CSRF check).
    static let sessionStartingPaths: Set<String> = ["/api/v1/auth/login", "/api/v1/auth/invites/accept"]

    /// What a session may reach before its agent sets up the two-factor sign-in the workspace
    /// requires: who they are, the setup, signing out.
    static func allowedBeforeTwoFactor(_ path: String) -> Bool {
        path == "/api/v1/auth/me" || path == "/api/v1/auth/logout" || path.hasPrefix("/api/v1/auth/me/two-factor")
    }

    /// Routes whose answer sets or clears the session cookie.
    static let cookieSettingPaths: Set<String> = sessionStartingPaths.union(["/api/v1/auth/logout"])

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Only the API acts for someone. Pages, assets and the demo's simulated providers (whose
        // callers send their own `Authorization`, as Meta's and Twilio's APIs take it) are not
        // asked who is calling.
        guard request.uri.path.hasPrefix("/api/") else { return try await next(request, context) }
        if Self.cookieSettingPaths.contains(request.uri.path), request.method == .post {
            // Login CSRF: another site's form (text/plain, no preflight) must not sign this
            // browser into the attacker's account. Only this server's pages, with JSON.
            if Self.isCrossSite(request) {
                throw Problem(.forbidden, "Sign in from Shopdesk's own page: this request came from another site.")
            }
            if request.uri.path != "/api/v1/auth/logout",
               !(request.headers[.contentType] ?? "").lowercased().hasPrefix("application/json") {
                throw Problem(.unsupportedMediaType, "Send the sign-in as JSON (Content-Type: application/json).")
            }
        }
        var context = context
        context.principal = try await authenticate(request)
        if context.principal?.mustSetUpTwoFactor == true, !Self.allowedBeforeTwoFactor(request.uri.path) {
            var problem = Problem(.forbidden, "This workspace requires two-factor sign-in: set it up first (your profile, or POST /api/v1/auth/me/two-factor/setup).")
            problem.code = "two_factor_setup_required"
            throw problem
        }
        guard let decision = rateLimit(request, context) else { return try await next(request, context) }
        let headers: HTTPFields = [
            HTTPField.Name("RateLimit-Policy")!: "\(decision.limit);w=\(APIRateLimiter.windowSeconds)",
            HTTPField.Name("RateLimit-Limit")!: String(decision.limit), HTTPField.Name("RateLimit-Remaining")!: String(decision.remaining),
            HTTPField.Name("RateLimit-Reset")!: String(decision.reset),
        ]
        guard decision.allowed else {
            var problem = Problem(.tooManyRequests, "Too many requests: at most \(decision.limit) a minute. Try again in \(decision.reset) seconds.")
            problem.code = "rate_limited"
            problem.headers = headers
            problem.headers[.retryAfter] = String(decision.reset)
            throw problem
        }
        var response = try await next(request, context)
        for field in headers { response.headers[field.name] = field.value }
        return response
    }

    /// Counts the request against its caller's limit: the API token, the session, the inbox
    /// token, or else the address. Nil when it is not counted (no limiter, or a provider's webhook).
    func rateLimit(_ request: Request, _ context: Context) -> APIRateLimiter.Decision? {
        guard let limiter, APIRateLimiter.counted(path: request.uri.path) else { return nil }
        let now = Date()
        if let principal = context.principal {
            let key = principal.tokenID.map { "token:\($0.rawValue)" } ?? principal.sessionID.map { "session:\($0)" } ?? "agent:\(principal.agent.id.rawValue)"
            return limiter.record(key, limit: perCaller, now: now)
        }
        if let inboxToken = request.headers[HTTPField.Name("X-Inbox-Token")!], !inboxToken.isEmpty {
            return limiter.record("inbox:" + Secrets.sha256Hex(inboxToken), limit: perCaller, now: now)
        }
        return limiter.record("address:" + (context.remoteAddress?.ipAddress ?? "unknown"), limit: perAddress, now: now)
    }

    func authenticate(_ request: Request) async throws -> Principal? {
        if let header = request.headers[.authorization] {
            guard header.lowercased().hasPrefix("bearer "), case let token = Text.trimmed(String(header.dropFirst(7))),
                  !token.isEmpty else {
                throw Problem(.unauthorized, "The Authorization header must be `Bearer <API token>`.")
            }
            let hash = Secrets.sha256Hex(token)
            guard let principal = try await database.read({ try await AccessRepository.token(tokenHash: hash, in: $0) }) else {
                throw Problem(.unauthorized, "This API token is not valid (revoked, or its agent is disabled).")
            }
            return principal
        }
        if Self.sessionStartingPaths.contains(request.uri.path) { return nil }
        guard let cookie = request.cookies[Self.cookieName]?.value, !cookie.isEmpty else { return nil }
        let hash = Secrets.sha256Hex(cookie)
        guard let principal = try await database.read({ try await AccessRepository.session(tokenHash: hash, now: Date(), in: $0) }) else {
            return nil
        }
        if ![.get, .head, .options].contains(request.method) {
            if Self.isCrossSite(request) {
                throw Problem(.forbidden, "This change came from another site; make it from Shopdesk's own pages.")
            }
            let sent = request.headers[HTTPField.Name("X-CSRF-Token")!] ?? ""
            guard let expected = principal.csrfToken, Secrets.constantTimeEquals(sent, expected) else {
                throw Problem(.forbidden, "Missing or wrong X-CSRF-Token header; it is returned by login and by GET /api/v1/auth/me.")
            }
        }
        return principal
    }
}

extension AuthMiddleware {
    /// Whether a browser says the request was started by a page of another origin: a
    /// `Sec-Fetch-Site` other than same-origin or none (typed by the user), or an `Origin` whose
    /// host is not the requested one. Clients that send neither (curl, servers) are not browsers
    /// acting for someone else.
    static func isCrossSite(_ request: Request) -> Bool {
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!]?.lowercased(), site != "same-origin", site != "none" { return true }
        let origins = request.headers[values: .origin]
        return !origins.isEmpty && !RealtimeController.sameOrigin(origins, authority: request.head.authority)
    }
}

/// Counts failed logins per email and per client address; too many within the window get 429.
actor LoginRateLimiter {
    private var failures: [String: [Date]] = [:]
    let window: TimeInterval
    let limitPerEmail: Int
    let limitPerAddress: Int

    init(window: TimeInterval = 900, limitPerEmail: Int = 10, limitPerAddress: Int = 50) {
        self.window = window
        self.limitPerEmail = limitPerEmail
        self.limitPerAddress = limitPerAddress
    }

    /// Seconds to wait, or nil when another attempt is allowed.
    func retryAfter(email: String, address: String, now: Date) -> Int? {
        prune(now: now)
        let emailFailures = failures["email:" + email] ?? []
        let addressFailures = failures["addr:" + address] ?? []
        let blocked = [(emailFailures, limitPerEmail), (addressFailures, limitPerAddress)].filter { $0.0.count >= $0.1 }
        guard let oldest = blocked.compactMap({ $0.0.first }).min() else { return nil }
        return max(1, Int(oldest.addingTimeInterval(window).timeIntervalSince(now).rounded(.up)))
    }

    func recordFailure(email: String, address: String, now: Date) {
        failures["email:" + email, default: []].append(now)
        failures["addr:" + address, default: []].append(now)
    }

    func reset(email: String) {
        failures["email:" + email] = nil
    }

    private func prune(now: Date) {
        let cutoff = now.addingTimeInterval(-window)
        failures = failures.compactMapValues { dates in
            let kept = dates.filter { $0 > cutoff }
            return kept.isEmpty ? nil : kept
        }
    }
}

/// Counts events per key in a sliding window, for public endpoints that anyone can call (the
/// chat widget): at most `limit` per `window` per key, then a wait. Per node, in memory.
actor RateWindow {
    private var events: [String: [Date]] = [:]
    private var calls = 0

    /// Records the event and returns nil, or returns the seconds to wait and records nothing.
    func attempt(_ key: String, limit: Int, window: TimeInterval, now: Date) -> Int? {
        calls += 1
        if calls % 1000 == 0 { events = events.filter { $0.value.last.map { now.timeIntervalSince($0) < window } ?? false } }
        var recent = (events[key] ?? []).filter { now.timeIntervalSince($0) < window }
        if recent.count >= limit, let oldest = recent.first {
            events[key] = recent
            return max(1, Int(oldest.addingTimeInterval(window).timeIntervalSince(now).rounded(.up)))
        }
        recent.append(now)
        events[key] = recent
        return nil
    }
}
