import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskStore

/// What the OpenAPI document says about one route.
struct RouteDoc: Sendable {
    var method: HTTPRequest.Method
    /// OpenAPI style, relative to `/api/v1`: `/conversations/{id}`.
    var path: String
    var summary: String
    var tag: String
    var role: Role?
    var requestBody: String?
    var successStatus: Int
    var query: [String] = []
}

/// Registers `/api/v1` routes and records each one for the OpenAPI document, so the document
/// cannot forget a route. Used only while the application is being built.
final class APIRegistrar {
    let authenticated: RouterGroup<AuthenticatedContext>
    let public_: RouterGroup<AppRequestContext>
    private(set) var docs: [RouteDoc] = []
    /// Appends to the audit log; set before routes are registered (`buildApplication`).
    var audit: (@Sendable (AuditEntry) async -> Void)?

    init(router: Router<AppRequestContext>) {
        public_ = router.group("api/v1")
        authenticated = router.group("api/v1", context: AuthenticatedContext.self)
    }

    /// A route that needs a signed-in agent with at least `role`; the role is checked before the
    /// handler runs, so a refused request has no side effect.
    func on<Output: ResponseGenerator>(
        _ method: HTTPRequest.Method, _ path: String, _ summary: String, tag: String, role: Role = .viewer,
        body: String? = nil, status: Int = 200, query: [String] = [],
        _ handler: @escaping @Sendable (Request, AuthenticatedContext) async throws -> Output
    ) {
        docs.append(RouteDoc(method: method, path: path, summary: summary, tag: tag, role: role, requestBody: body,
                             successStatus: status, query: query))
        let audit = self.audit
        authenticated.on(RouterPath(Self.routerPath(path)), method: method) { request, context in
            try context.require(role)
            let output = try await handler(request, context)
            if let audit, let action = Self.auditedAction(method, path: path, role: role, request: request) {
                let target = context.parameters.get("id") ?? context.parameters.get("name")
                await audit(AuditEntry(workspaceID: context.workspaceID, at: Date(), agentID: context.agent.id, actor: context.agent.email,
                                       via: context.principal.tokenID == nil ? .session : .token, action: action, target: target,
                                       summary: summary, address: context.remoteAddress?.ipAddress))
            }
            return output
        }
    }

    /// Paths of agents' own security settings, audited whoever uses them.
    static let securityPaths = ["/tokens", "/auth/password", "/auth/me/two-factor"]

    /// What a successful request is recorded as, or nil when it is not audited: every change an
    /// admin-only route makes, changes to anyone's own credentials, every CSV export and every
    /// export of a customer's personal data.
    static func auditedAction(_ method: HTTPRequest.Method, path: String, role: Role, request: Request) -> String? {
        if method == .get {
            let personalData = path.hasSuffix("/export") || path.hasSuffix("/export.zip")
            return request.uri.queryParameters.get("format") == "csv" || personalData ? "export GET \(path)" : nil
        }
        guard role >= .admin || securityPaths.contains(where: { path.hasPrefix($0) }) else { return nil }
        return "\(method.rawValue) \(path)"
    }

    /// A route that handles its own authentication (login, inbound messages with an inbox token).
    func onPublic<Output: ResponseGenerator>(
        _ method: HTTPRequest.Method, _ path: String, _ summary: String, tag: String, body: String? = nil, status: Int = 200,
        _ handler: @escaping @Sendable (Request, AppRequestContext) async throws -> Output
    ) {
        docs.append(RouteDoc(method: method, path: path, summary: summary, tag: tag, role: nil, requestBody: body, successStatus: status))
        public_.on(RouterPath(Self.routerPath(path)), method: method, use: handler)
    }

    /// Records a route registered elsewhere (the WebSocket upgrade).
    func document(_ doc: RouteDoc) {
        docs.append(doc)
    }

    static func routerPath(_ path: String) -> String {
        String(path.dropFirst()).replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
    }
}

extension Request {
    /// A typed id from the path, or 404: a malformed id names nothing.
    func id<E>(_ name: String = "id", context: some RequestContext, _ what: String) throws -> Identifier<E> {
        guard let text = context.parameters.get(name), let value = Int64(text), value > 0 else {
            throw Problem(.notFound, "\(what) \(context.parameters.get(name) ?? "") was not found.")
        }
        return Identifier(value)
    }

    /// A plain numeric id from the path (macros, rules), or 404.
    func number(_ name: String = "id", context: some RequestContext, _ what: String) throws -> Int64 {
        let id: Identifier<Void> = try self.id(name, context: context, what)
        return id.rawValue
    }

    func queryInt(_ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = queryField(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw Problem(.badRequest, "`\(name)` must be a whole number from \(range.lowerBound) to \(range.upperBound).", field: name)
        }
        return number
    }

    func queryString(_ name: String) -> String? {
        queryField(name).flatMap { $0.isEmpty ? nil : $0 }
    }

    func queryEnum<E: RawRepresentable & CaseIterable>(_ name: String, _ type: E.Type) throws -> E? where E.RawValue == String {
        guard let text = queryString(name) else { return nil }
        guard let value = E(rawValue: text) else {
            throw Problem(.badRequest, "`\(name)` must be one of: \(E.allCases.map(\.rawValue).joined(separator: ", ")).", field: name)
        }
        return value
    }

    func queryID<E>(_ name: String) throws -> Identifier<E>? {
        guard let text = queryString(name) else { return nil }
        guard let value = Int64(text) else { throw Problem(.badRequest, "`\(name)` must be an id.", field: name) }
        return Identifier(value)
    }
}
