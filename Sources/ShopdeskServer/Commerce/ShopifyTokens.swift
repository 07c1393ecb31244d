import Foundation
import ShopdeskCommerce
import ShopdeskCore
import ShopdeskStore

/// Keeps the access tokens of Shopify connections that sign in with a grant (client credentials
/// or the authorization code's expiring offline token): renewed a few minutes before they expire
/// and once after Shopify refuses one.
///
/// One renewal at a time per shop: on this node, callers that need a new token while one is being
/// fetched wait for it (`renewing`); across nodes, a lease on the connection's `store_tokens` row
/// lets only its holder ask Shopify, and the others wait for the token it stores. With expiring
/// offline tokens this is what keeps the shop: Shopify rotates the refresh token at every use.
actor ShopifyTokenBroker {
    let database: Database
    let secrets: @Sendable () throws -> SecretBox
    let http: any StoreHTTP
    /// This process, as the lease names it.
    let owner = UUID().uuidString
    /// How long a renewal may hold the lease (longer than Shopify takes to answer).
    var leaseSeconds: TimeInterval = 30
    private var renewing: [Int64: Task<String, any Error>] = [:]
    /// The time tokens are judged by (tests move it forward to a token's last minutes).
    private var clock: @Sendable () -> Date = { Date() }
    /// The last token seen per connection, so that most calls read nothing.
    private var cached: [Int64: (token: String, expiresAt: Date?)] = [:]

    init(database: Database, http: any StoreHTTP, secrets: @escaping @Sendable () throws -> SecretBox) {
        self.database = database; self.http = http; self.secrets = secrets
    }

    func setClock(_ clock: @escaping @Sendable () -> Date) { self.clock = clock }

    /// A token to use now for `connection`.
    func token(_ connection: StoreConnection, _ credentials: StoreCredentials) async throws -> String {
        let now = clock()
        if let hit = cached[connection.id.rawValue], !ShopifyGrant(accessToken: hit.token, scopes: [], expiresAt: hit.expiresAt).isDue(at: now) {
            return hit.token
        }
        if let grant = try await stored(connection), !grant.isDue(at: now) {
            cached[connection.id.rawValue] = (grant.accessToken, grant.expiresAt)
            return grant.accessToken
        }
        return try await renew(connection, credentials, refused: nil)
    }

    /// A token newer than `refused` (nil: the stored one is missing or due), fetched once for all
    /// who ask at the same time.
    func renew(_ connection: StoreConnection, _ credentials: StoreCredentials, refused: String?) async throws -> String {
        let key = connection.id.rawValue
        if refused != nil, cached[key]?.token == refused { cached[key] = nil }
        // Join a renewal under way, unless what it brings is the very token that was refused.
        if let running = renewing[key] {
            let token = try await running.value   // its failure is everyone's who waited for it
            if token != refused { return token }
        }
        let task = Task { try await self.renewAcrossNodes(connection, credentials, refused: refused) }
        renewing[key] = task
        defer { if renewing[key] == task { renewing[key] = nil } }
        return try await task.value
    }

    /// The stored grant, opened.
    func stored(_ connection: StoreConnection) async throws -> ShopifyGrant? {
        let ws = connection.workspaceID, id = connection.id
        guard let sealed = try await database.read({ try await StoreTokenRepository.find(workspaceID: ws, connectionID: id, in: $0) })?.sealedGrant else {
            return nil
        }
        return try JSONDecoder().decode(ShopifyGrant.self, from: Data(try secrets().open(sealed).utf8))
    }

    /// Stores a grant Shopify gave outside a renewal (the install callback's code exchange).
    func store(_ grant: ShopifyGrant, for connection: StoreConnection) async throws {
        let sealed = try seal(grant)
        let ws = connection.workspaceID, id = connection.id
        _ = try await database.write { try await StoreTokenRepository.saveGrant(workspaceID: ws, connectionID: id, sealed: sealed, expiresAt: grant.expiresAt,
                                                                             owner: nil, now: Date(), in: $0) }
        cached[id.rawValue] = (grant.accessToken, grant.expiresAt)
    }

    func forget(_ connectionID: StoreConnectionID) {
        cached[connectionID.rawValue] = nil
    }

    private func renewAcrossNodes(_ connection: StoreConnection, _ credentials: StoreCredentials, refused: String?) async throws -> String {
        let ws = connection.workspaceID, id = connection.id, owner = owner, lease = leaseSeconds
        let deadline = Date().addingTimeInterval(lease * 2)
        while true {
            // Another node (or an earlier renewal here) may have stored a good one meanwhile.
            if let grant = try await stored(connection), grant.accessToken != refused, !grant.isDue(at: clock()) {
                cached[id.rawValue] = (grant.accessToken, grant.expiresAt)
                return grant.accessToken
            }
            let now = Date()
            if try await database.write({ try await StoreTokenRepository.takeLease(workspaceID: ws, connectionID: id, owner: owner, now: now,
                                                                                    until: now.addingTimeInterval(lease), in: $0) }) {
                return try await renewHoldingLease(connection, credentials, refused: refused)
            }
            guard Date() < deadline else {
                throw CommerceError.unavailable("Another Shopdesk node is renewing \(connection.name)'s Shopify access token; try again in a moment.")
            }
            // Deliberate wait: another node holds the lease and is talking to Shopify. Nodes share
            // nothing but the database, so its stored token is polled for (five reads a second,
            // on a path taken about once a day per shop, bounded by twice the lease).
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    private func renewHoldingLease(_ connection: StoreConnection, _ credentials: StoreCredentials, refused: String?) async throws -> String {
        let ws = connection.workspaceID, id = connection.id, owner = owner
        do {
            // Read again under the lease: the refresh token to use is the latest one stored.
            let current = try await stored(connection)
            if let current, current.accessToken != refused, !current.isDue(at: clock()) {
                try await database.write { try await StoreTokenRepository.releaseLease(workspaceID: ws, connectionID: id, owner: owner, in: $0) }
                return current.accessToken
            }
            let grant = try await obtain(connection, credentials, current: current)
            let sealed = try seal(grant)
            let saved = try await database.write {
                try await StoreTokenRepository.saveGrant(workspaceID: ws, connectionID: id, sealed: sealed, expiresAt: grant.expiresAt,
                                                         owner: owner, now: Date(), in: $0)
            }
            guard saved else {
                throw CommerceError.unavailable("Renewing \(connection.name)'s Shopify access token took longer than its lease; try again.")
            }
            if connection.lastError != nil {
                try await database.write { try await StoreConnectionRepository.setLastError(workspaceID: ws, id: id, nil, in: $0) }
            }
            cached[id.rawValue] = (grant.accessToken, grant.expiresAt)
            return grant.accessToken
        } catch {
            try? await database.write { try await StoreTokenRepository.releaseLease(workspaceID: ws, connectionID: id, owner: owner, in: $0) }
            let message = "Shopify access token: \(error)"
            try? await database.write { try await StoreConnectionRepository.setLastError(workspaceID: ws, id: id, message, in: $0) }
            throw error
        }
    }

    private func obtain(_ connection: StoreConnection, _ credentials: StoreCredentials, current: ShopifyGrant?) async throws -> ShopifyGrant {
        let adminBase = ShopifyConnector.adminBase(connection.shopURL)
        guard let clientID = credentials.clientID, let secret = credentials.clientSecret else {
            throw CommerceError.rejected("\(connection.name) has no client id and secret; add them in Settings → Shops.")
        }
        switch credentials.auth ?? .token {
        case .clientCredentials:
            return try await ShopifyOAuth.clientCredentials(adminBase: adminBase, clientID: clientID, clientSecret: secret, http: http, now: clock())
        case .authorizationCode:
            guard let refresh = current?.refreshToken else {
                throw CommerceError.rejected("\(connection.name) is not installed yet, or its access ran out: install Shopdesk on the shop again (Settings → Shops).")
            }
            return try await ShopifyOAuth.refresh(refresh, adminBase: adminBase, clientID: clientID, clientSecret: secret, http: http, now: clock())
        case .token:
            throw CommerceError.rejected("\(connection.name)'s Admin API token cannot be renewed; paste a new one in Settings → Shops.")
        }
    }

    private func seal(_ grant: ShopifyGrant) throws -> String {
        try secrets().seal(String(decoding: try JSONEncoder().encode(grant), as: UTF8.self))
    }
}

/// One connection's tokens, as its connector asks for them.
struct ConnectionShopifyTokens: ShopifyTokenSource {
    let broker: ShopifyTokenBroker
    let connection: StoreConnection
    let credentials: StoreCredentials

    func token() async throws -> String { try await broker.token(connection, credentials) }
    func renew(refused: String) async throws -> String { try await broker.renew(connection, credentials, refused: refused) }
    var renewable: Bool { true }
    func refusedAfterRenewal(_ problem: String) async {
        let ws = connection.workspaceID, id = connection.id
        try? await broker.database.write { try await StoreConnectionRepository.setLastError(workspaceID: ws, id: id, problem, in: $0) }
    }
}
