import Foundation
import ShopdeskCore
import SQLKit

/// Customers and the identities (email, phone, external id) that recognise them on any channel.
public enum CustomerRepository {
    /// The columns `decode` reads (see `ConversationRepository.columns` for why not `*`).
    static let columns: SQLQueryString = """
        id, workspace_id, name, email, phone, external_id, locale, merged_into, created_at, updated_at, tags, vip_since, \
        order_count, spent_currency, spent_minor, last_order_at, last_order_financial, last_order_fulfillment, last_order_total_minor
        """

    public struct IdentityRecord: Sendable, Equatable {
        public var kind: String
        public var value: String
    }

    /// Finds the customer that one of the identities belongs to (external id first, then email,
    /// then phone), or creates one. Identities nobody has claimed yet are attached to the match.
    static func findOrCreate(
        _ identity: CustomerIdentity, workspaceID: WorkspaceID, now: Date, kind: DatabaseKind, in sql: any SQLDatabase
    ) async throws -> (customer: Customer, created: Bool) {
        let pairs = identityPairs(identity)
        var owners: [String: CustomerID] = [:]
        let matches = pairs.map { "(kind = \(bind: $0.0) AND value = \(bind: $0.1))" as SQLQueryString }
        for row in try await sql.raw("""
            SELECT kind, customer_id FROM customer_identities WHERE workspace_id = \(bind: workspaceID.rawValue)
              AND (\(matches.joined(separator: " OR ")))
            """).all() {
            owners[try row.string("kind")] = try row.id("customer_id")
        }
        let matched = (["external", "email", "phone"] + [identity.channel?.kind].compactMap { $0 }).lazy.compactMap { owners[$0] }.first
        if let matched, var customer = try await find(workspaceID: workspaceID, id: matched, followMerges: true, in: sql) {
            try await attach(pairs.filter { owners[$0.0] == nil }, to: customer.id, workspaceID: workspaceID, in: sql)
            if customer.name == nil, let name = identity.name {
                customer.name = name
                try await sql.raw("""
                    UPDATE customers SET name = \(bind: name), updated_at = \(bind: now.millis)
                    WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: customer.id.rawValue)
                    """).run()
                try await reindex(customer, kind: kind, in: sql)
            }
            return (customer, false)
        }
        // Nobody owns any of these identities: that was just checked.
        let customer = try await insert(identity, locale: nil, workspaceID: workspaceID, now: now, kind: kind, checkConflicts: false, in: sql)
        return (customer, true)
    }

    static func insert(
        _ identity: CustomerIdentity, locale: String?, workspaceID: WorkspaceID, now: Date, kind: DatabaseKind,
        checkConflicts: Bool = true, in sql: any SQLDatabase
    ) async throws -> Customer {
        for (kindName, value) in checkConflicts ? identityPairs(identity) : [] {
            if try await sql.raw("""
                SELECT 1 AS found FROM customer_identities WHERE workspace_id = \(bind: workspaceID.rawValue)
                  AND kind = \(bind: kindName) AND value = \(bind: value)
                """).first() != nil {
                throw ShopdeskError.conflict("Another customer already has the \(kindName) \(value).")
            }
        }
        let text = SearchIndex.customerText(name: identity.name, email: identity.email, phone: identity.phone)
        let vector = SearchIndex.insertedVector(text, kind: kind)
        let pairs = identityPairs(identity)
        let insert: SQLQueryString = """
            INSERT INTO customers (workspace_id, name, email, phone, external_id, locale, created_at, updated_at\(vector.column))
            VALUES (\(bind: workspaceID.rawValue), \(bind: identity.name), \(bind: identity.email), \(bind: identity.phone),
              \(bind: identity.externalID), \(bind: locale), \(bind: now.millis), \(bind: now.millis)\(vector.value))
            RETURNING \(columns)
            """
        // PostgreSQL: the identities go in the same statement (one round trip less per new
        // customer); SQLite runs statements in place, where two are as cheap as one.
        let joined = kind == .postgres && !pairs.isEmpty
        let row = try await sql.raw(joined ? """
            WITH c AS (\(insert)), i AS (
              INSERT INTO customer_identities (workspace_id, kind, value, customer_id)
              SELECT c.workspace_id, v.kind, v.value, c.id FROM c, (VALUES \(pairs.map { "(\(bind: $0.0), \(bind: $0.1))" as SQLQueryString }.joined(separator: ", "))) AS v(kind, value)
              ON CONFLICT DO NOTHING)
            SELECT \(columns) FROM c
            """ : insert).first()
        guard let row else { throw StoredValueError(column: "customers.id", value: "missing") }
        let customer = try decode(row)
        if !joined { try await attach(pairs, to: customer.id, workspaceID: workspaceID, in: sql) }
        try await SearchIndex.indexInserted(.customer, id: customer.id.rawValue, workspaceID: workspaceID, text: text, kind: kind, in: sql)
        return customer
    }

    public static func find(
        workspaceID: WorkspaceID, id: CustomerID, followMerges: Bool = false, in sql: any SQLDatabase
    ) async throws -> Customer? {
        var current = id
        for _ in 0..<8 {
            guard let row = try await sql.raw("""
                SELECT \(columns) FROM customers WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: current.rawValue)
                """).first() else { return nil }
            let customer = try decode(row)
            guard followMerges, let next = customer.mergedInto else { return customer }
            current = next
        }
        return nil
    }

    public static func identities(of id: CustomerID, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> [IdentityRecord] {
        try await sql.raw("""
            SELECT kind, value FROM customer_identities WHERE workspace_id = \(bind: workspaceID.rawValue) AND customer_id = \(bind: id.rawValue)
            ORDER BY kind, value
            """)
            .all().map { IdentityRecord(kind: try $0.string("kind"), value: try $0.string("value")) }
    }

    /// Customers newest first, optionally filtered by a search over name, email and phone.
    public static func list(
        workspaceID: WorkspaceID, query: String?, beforeID: CustomerID?, limit: Int, kind: DatabaseKind,
        in sql: any SQLDatabase
    ) async throws -> [Customer] {
        var filter: SQLQueryString = ""
        if let beforeID { filter = " AND c.id < \(bind: beforeID.rawValue)" }
        let terms = SearchText.queryTerms(query ?? "")
        if !terms.isEmpty {
            switch kind {
            case .sqlite:
                let match = SearchIndex.ftsMatch(terms, workspace: workspaceID)
                filter = filter + " AND c.id IN (SELECT rowid FROM customer_fts WHERE customer_fts MATCH \(bind: match))"
            case .postgres:
                let tsquery = terms.enumerated().map { $0.offset == terms.count - 1 ? "\($0.element):*" : $0.element }.joined(separator: " & ")
                filter = filter + " AND c.search_vector @@ to_tsquery('simple', \(bind: tsquery))"
            }
        }
        return try await sql.raw("""
            SELECT \(columns) FROM customers c WHERE c.workspace_id = \(bind: workspaceID.rawValue) AND c.merged_into IS NULL\(filter)
            ORDER BY c.id DESC LIMIT \(bind: limit)
            """).all().map(decode)
    }

    static func update(_ customer: Customer, kind: DatabaseKind, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE customers SET name = \(bind: customer.name), email = \(bind: customer.email), phone = \(bind: customer.phone),
              external_id = \(bind: customer.externalID), locale = \(bind: customer.locale), updated_at = \(bind: customer.updatedAt.millis),
              tags = \(bind: customer.tags.isEmpty ? nil : try JSONCoding.string(customer.tags.sorted())),
              vip_since = CASE WHEN \(bind: customer.vip ? 1 : 0) = 0 THEN NULL ELSE COALESCE(vip_since, \(bind: customer.updatedAt.millis)) END
            WHERE workspace_id = \(bind: customer.workspaceID.rawValue) AND id = \(bind: customer.id.rawValue)
            """).run()
        try await sql.raw("""
            DELETE FROM customer_identities WHERE workspace_id = \(bind: customer.workspaceID.rawValue) AND customer_id = \(bind: customer.id.rawValue)
              AND kind IN ('email','phone','external')
            """).run()
        let identity = CustomerIdentity(name: customer.name, email: customer.email, phone: customer.phone, externalID: customer.externalID)
        try await attach(identityPairs(identity), to: customer.id, workspaceID: customer.workspaceID, in: sql)
        try await reindex(customer, kind: kind, in: sql)
    }

    static func delete(_ id: CustomerID, workspaceID: WorkspaceID, kind: DatabaseKind, in sql: any SQLDatabase) async throws {
        let ws = workspaceID.rawValue
        guard try await sql.raw("SELECT id FROM customers WHERE workspace_id = \(bind: ws) AND id = \(bind: id.rawValue)").first() != nil else { return }
        try await sql.raw("DELETE FROM customer_identities WHERE workspace_id = \(bind: ws) AND customer_id = \(bind: id.rawValue)").run()
        try await sql.raw("UPDATE customers SET merged_into = NULL WHERE workspace_id = \(bind: ws) AND merged_into = \(bind: id.rawValue)").run()
        try await SearchIndex.remove(.customer, id: id.rawValue, kind: kind, in: sql)
        try await sql.raw("DELETE FROM customers WHERE workspace_id = \(bind: ws) AND id = \(bind: id.rawValue)").run()
    }

    /// Folds `source` into `target`: identities and conversations move, `source` points at `target`.
    static func merge(source: Customer, into target: Customer, now: Date, in sql: any SQLDatabase) async throws {
        guard source.workspaceID == target.workspaceID else { throw ShopdeskError.notFound("Customer \(target.id)") }
        let ws = source.workspaceID.rawValue
        try await sql.raw("""
            UPDATE customer_identities SET customer_id = \(bind: target.id.rawValue) WHERE workspace_id = \(bind: ws) AND customer_id = \(bind: source.id.rawValue)
            """).run()
        try await sql.raw("""
            UPDATE conversations SET customer_id = \(bind: target.id.rawValue) WHERE workspace_id = \(bind: ws) AND customer_id = \(bind: source.id.rawValue)
            """).run()
        try await sql.raw("""
            UPDATE messages SET author_customer_id = \(bind: target.id.rawValue)
            WHERE workspace_id = \(bind: ws) AND author_customer_id = \(bind: source.id.rawValue)
            """).run()
        try await sql.raw("""
            UPDATE customers SET merged_into = \(bind: target.id.rawValue), updated_at = \(bind: now.millis)
            WHERE workspace_id = \(bind: ws) AND id = \(bind: source.id.rawValue)
            """).run()
    }

    /// Attaches identities in one statement; ones another customer already has are skipped.
    private static func attach(_ pairs: [(String, String)], to id: CustomerID, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws {
        guard !pairs.isEmpty else { return }
        let rows = pairs.map { "(\(bind: workspaceID.rawValue), \(bind: $0.0), \(bind: $0.1), \(bind: id.rawValue))" as SQLQueryString }
        try await sql.raw("""
            INSERT INTO customer_identities (workspace_id, kind, value, customer_id) VALUES \(rows.joined(separator: ", "))
            ON CONFLICT DO NOTHING
            """).run()
    }

    private static func reindex(_ customer: Customer, kind: DatabaseKind, in sql: any SQLDatabase) async throws {
        let text = SearchIndex.customerText(name: customer.name, email: customer.email, phone: customer.phone)
        try await SearchIndex.index(.customer, id: customer.id.rawValue, workspaceID: customer.workspaceID, text: text,
                                    kind: kind, in: sql)
    }

    static func identityPairs(_ identity: CustomerIdentity) -> [(String, String)] {
        var pairs: [(String, String)] = []
        if let value = identity.externalID { pairs.append(("external", value)) }
        if let value = identity.email { pairs.append(("email", value)) }
        if let value = identity.phone { pairs.append(("phone", value)) }
        if let channel = identity.channel { pairs.append((channel.kind, channel.value)) }
        return pairs
    }

    static func decode(_ row: any SQLRow) throws -> Customer {
        var customer = Customer(
            id: try row.id("id"), workspaceID: try row.id("workspace_id"), name: try row.stringOrNil("name"),
            email: try row.stringOrNil("email"), phone: try row.stringOrNil("phone"),
            externalID: try row.stringOrNil("external_id"), locale: try row.stringOrNil("locale"),
            mergedInto: try row.idOrNil("merged_into"), createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at")
        )
        customer.tags = Set(try row.stringOrNil("tags").map { try JSONCoding.decode([String].self, from: $0) } ?? [])
        customer.vip = try row.int64OrNil("vip_since") != nil
        if try row.int64("order_count") > 0, let currency = try row.stringOrNil("spent_currency") {
            customer.orders = CustomerOrderSummary(
                orderCount: try row.int("order_count"), spent: Amount(minor: try row.int64OrNil("spent_minor") ?? 0, currency: currency),
                lastOrderAt: try row.dateOrNil("last_order_at"),
                lastFinancialStatus: try row.stringOrNil("last_order_financial").flatMap(FinancialStatus.init(rawValue:)),
                lastFulfillmentStatus: try row.stringOrNil("last_order_fulfillment").flatMap(FulfillmentStatus.init(rawValue:)),
                lastOrderTotal: try row.int64OrNil("last_order_total_minor").map { Amount(minor: $0, currency: currency) })
        }
        return customer
    }
}

extension CustomerRepository {
    /// Several customers in one query, keyed by id (for list pages).
    /// Just what a conversation list shows of each customer (four columns instead of the whole
    /// row with its order summary: a list page reads fifty of them).
    public static func contacts(workspaceID: WorkspaceID, ids: [CustomerID], in sql: any SQLDatabase) async throws -> [CustomerID: CustomerContact] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await sql.raw("""
            SELECT id, name, email, phone FROM customers
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND id IN (\(binds: Array(Set(ids)).map(\.rawValue)))
            """).all()
        var result: [CustomerID: CustomerContact] = [:]
        for row in rows {
            let contact = CustomerContact(id: try row.id("id"), name: try row.stringOrNil("name"), email: try row.stringOrNil("email"),
                                          phone: try row.stringOrNil("phone"))
            result[contact.id] = contact
        }
        return result
    }

    public static func findMany(workspaceID: WorkspaceID, ids: [CustomerID], in sql: any SQLDatabase) async throws -> [CustomerID: Customer] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await sql.raw("""
            SELECT \(columns) FROM customers WHERE workspace_id = \(bind: workspaceID.rawValue) AND id IN (\(binds: Array(Set(ids)).map(\.rawValue)))
            """).all()
        var result: [CustomerID: Customer] = [:]
        for row in rows {
            let customer = try decode(row)
            result[customer.id] = customer
        }
        return result
    }
}

/// A customer as lists show them.
public struct CustomerContact: Sendable, Equatable {
    public var id: CustomerID
    public var name: String?
    public var email: String?
    public var phone: String?

    public init(id: CustomerID, name: String?, email: String?, phone: String?) {
        self.id = id
        self.name = name
        self.email = email
        self.phone = phone
    }
}
