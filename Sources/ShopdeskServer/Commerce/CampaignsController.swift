import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskStore

/// Proactive campaigns for admins: write them, switch them on, and read how each variant does
/// (displays, clicks, conversations, orders and revenue, with whether a variant's lead is real).
struct CampaignsController {
    let services: AppServices

    /// Kept in the API's snake_case as written (the definition is stored as sent).
    struct Body: Decodable {
        var name: String?
        var inboxID: Int64?
        var status: String?
        var priority: Int?
        var definition: CampaignDefinition?
        enum CodingKeys: String, CodingKey { case name, status, priority, definition; case inboxID = "inbox_id" }
    }

    struct CampaignDTO: ResponseEncodable {
        var id: Int64
        var inboxId: Int64
        var name: String
        var status: String
        var priority: Int
        var definition: CampaignDefinition
        var createdAt: Date
        var updatedAt: Date
        init(_ record: CampaignRecord) {
            id = record.id; inboxId = record.inboxID.rawValue; name = record.name; status = record.status.rawValue; priority = record.priority
            definition = record.definition; createdAt = record.createdAt; updatedAt = record.updatedAt
        }
    }

    struct ResultsDTO: ResponseEncodable {
        struct Variant: Encodable {
            var variant: String
            var shown: Int
            var engaged: Int
            var conversations: Int
            var orders: Int
            var revenue: [Amount]
            /// Orders per display.
            var conversionRate: Double
            /// Against the first variant (the control): the difference in conversion and its p-value.
            var lift: Double?
            var pValue: Double?
            var significant: Bool
        }
        var campaignId: Int64
        var variants: [Variant]
        /// The variant that converts better than the control beyond chance, if one does.
        var winner: String?
    }

    func register(_ api: APIRegistrar) {
        let database = services.database
        api.on(.get, "/campaigns", "Proactive campaigns, highest priority first", tag: "campaigns") { _, context in
            let ws = context.workspaceID
            return Page(items: try await database.read { try await CampaignRepository.list(workspaceID: ws, in: $0) }.map(CampaignDTO.init), nextCursor: nil)
        }
        api.on(.post, "/campaigns", "Write a campaign: name, inbox_id (a chat inbox), status (draft, active, paused), priority, definition (targeting, variants, limits)",
               tag: "campaigns", role: .admin, body: "Body", status: 201) { request, context in
            let body = try await decode(request)
            guard let definition = body.definition else { throw Problem(.unprocessableContent, "A campaign needs a definition with its variants.", field: "definition") }
            let now = Date()
            var record = CampaignRecord(id: 0, workspaceID: context.workspaceID, inboxID: InboxID(body.inboxID ?? 0), name: "", status: .draft, priority: 0,
                                        definition: definition, createdAt: now, updatedAt: now)
            try await apply(body, to: &record, context)
            let saved = record
            return Created(body: CampaignDTO(try await database.write { try await CampaignRepository.save(saved, in: $0) }))
        }
        api.on(.get, "/campaigns/{id}", "One campaign", tag: "campaigns") { request, context in
            CampaignDTO(try await find(request, context))
        }
        api.on(.patch, "/campaigns/{id}", "Change a campaign (any of name, inbox_id, status, priority, definition)", tag: "campaigns",
               role: .admin, body: "Body") { request, context in
            var record = try await find(request, context)
            try await apply(try await decode(request), to: &record, context)
            record.updatedAt = Date()
            let saved = record
            return CampaignDTO(try await database.write { try await CampaignRepository.save(saved, in: $0) })
        }
        api.on(.delete, "/campaigns/{id}", "Delete a campaign with its displays and credits", tag: "campaigns", role: .admin) { request, context in
            let record = try await find(request, context)
            _ = try await database.write { try await CampaignRepository.delete(workspaceID: record.workspaceID, id: record.id, in: $0) }
            return Response(status: .noContent)
        }
        api.on(.get, "/campaigns/{id}/results", "Per variant: displays, clicks, conversations, orders and revenue credited, and whether a lead is significant",
               tag: "campaigns") { request, context in
            let record = try await find(request, context)
            let results = try await database.read { try await CampaignRepository.results(workspaceID: record.workspaceID, campaignID: record.id, in: $0) }
            return Self.results(record, results)
        }
    }

    static func results(_ record: CampaignRecord, _ results: [CampaignVariantResult]) -> ResultsDTO {
        let byKey = Dictionary(uniqueKeysWithValues: results.map { ($0.variant, $0) })
        let keys = record.definition.variants.map(\.key)
        let rows: [CampaignVariantResult] = keys.map { byKey[$0] ?? CampaignVariantResult(variant: $0) }
        var variants: [ResultsDTO.Variant] = []
        var winner: (key: String, lift: Double)?
        for (index, row) in rows.enumerated() {
            var comparison: CampaignSignificance.Comparison?
            if index > 0, let control = rows.first {
                comparison = CampaignSignificance.compare(control: (control.orders, control.shown), variant: (row.orders, row.shown))
            }
            let rate = row.shown == 0 ? 0 : Double(row.orders) / Double(row.shown)
            let p = comparison.map { ($0.pValue * 10_000).rounded() / 10_000 }
            variants.append(ResultsDTO.Variant(variant: row.variant, shown: row.shown, engaged: row.engaged, conversations: row.conversations,
                                               orders: row.orders, revenue: row.revenue, conversionRate: rate, lift: comparison?.lift, pValue: p,
                                               significant: comparison?.significant ?? false))
            if let comparison, comparison.significant, comparison.lift > (winner?.lift ?? 0) { winner = (row.variant, comparison.lift) }
        }
        return ResultsDTO(campaignId: record.id, variants: variants, winner: winner?.key)
    }

    private func decode(_ request: Request) async throws -> Body {
        let buffer = try await request.body.collect(upTo: 256 * 1024)
        do { return try CommerceController.decoder.decode(Body.self, from: Data(buffer.readableBytesView)) } catch {
            throw Problem(.badRequest, "The body must be a JSON campaign such as {\"name\": \"Welcome\", \"inbox_id\": 1, \"definition\": {\"variants\": [{\"key\": \"A\", \"weight\": 100, \"message\": \"Hi!\"}]}}: \(error)")
        }
    }

    private func apply(_ body: Body, to record: inout CampaignRecord, _ context: AuthenticatedContext) async throws {
        if let name = body.name?.trimmingCharacters(in: .whitespaces) {
            guard (1...100).contains(name.count) else { throw Problem(.unprocessableContent, "A campaign's name is 1 to 100 characters.", field: "name") }
            record.name = name
        }
        guard !record.name.isEmpty else { throw Problem(.unprocessableContent, "Give the campaign a name.", field: "name") }
        if let status = body.status {
            guard let value = CampaignRecord.Status(rawValue: status) else { throw Problem(.unprocessableContent, "status is draft, active or paused.", field: "status") }
            record.status = value
        }
        if let priority = body.priority {
            guard (0...1000).contains(priority) else { throw Problem(.unprocessableContent, "priority is 0 to 1000.", field: "priority") }
            record.priority = priority
        }
        if let inbox = body.inboxID {
            let ws = context.workspaceID
            guard let found = try await services.database.read({ try await InboxRepository.find(workspaceID: ws, id: InboxID(inbox), in: $0) }),
                  found.kind == .chat else {
                throw Problem(.unprocessableContent, "Campaigns show in a chat inbox's widget; choose one.", field: "inbox_id")
            }
            record.inboxID = found.id
        }
        if let definition = body.definition {
            do { record.definition = try definition.validated() } catch let error as CampaignError {
                throw Problem(.unprocessableContent, error.description, field: "definition")
            }
        }
    }

    private func find(_ request: Request, _ context: AuthenticatedContext) async throws -> CampaignRecord {
        guard let id = context.parameters.get("id").flatMap(Int64.init),
              let record = try await services.database.read({ [ws = context.workspaceID] in try await CampaignRepository.find(workspaceID: ws, id: id, in: $0) })
        else { throw Problem(.notFound, "No such campaign.") }
        return record
    }
}
