import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskIntelligence
import ShopdeskStore

/// `/rules`: the ordered rule list, JSON import and export, a dry run over recent
/// conversations, and `/business-hours`, the calendar rules and SLA read.
struct RulesRoutes {
    let services: AppServices

    struct RuleDTO: ResponseEncodable {
        var id: Int64
        var position: Int64
        var name: String
        var enabled: Bool
        var triggers: [RuleTrigger]
        var conditions: RuleCondition
        var actions: [RuleAction]
        var stop: Bool
        var firedCount: Int
        var updatedAt: Date
        init(_ record: RuleRecord) {
            id = record.id
            position = record.position
            name = record.definition.name
            enabled = record.definition.enabled
            triggers = record.definition.triggers
            conditions = record.definition.conditions
            actions = record.definition.actions
            stop = record.definition.stop
            firedCount = record.firedCount
            updatedAt = record.updatedAt
        }
    }

    struct RuleList: ResponseEncodable {
        var items: [RuleDTO]
        /// Saved rules that no longer compile, with the reason (they never fire).
        var broken: [BrokenRule]
    }

    struct BrokenRule: Codable, Sendable { var id: Int64; var reason: String }
    struct OrderBody: Decodable { var ids: [Int64] }
    struct ImportBody: Decodable { var rules: [RuleDefinition] }
    struct ExportDTO: ResponseEncodable { var rules: [RuleDefinition] }
    struct DryRunBody: Decodable {
        /// Rules to try; omitted, the saved rules are tried.
        var rules: [RuleDefinition]?
        var limit: Int?
    }
    struct DryRunDTO: ResponseEncodable {
        struct Hit: Codable, Sendable {
            var conversationId: Int64
            var number: Int64
            var subject: String?
            var trigger: RuleTrigger
            var rules: [Int]
        }
        var examined: Int
        var hits: [Hit]
    }

    func register(_ api: APIRegistrar) {
        let database = services.database
        let automation = services.conversations.automation
        api.on(.get, "/rules", "Rules in the order they run", tag: "rules", role: .admin) { _, context in
            let ws = context.workspaceID
            let records = try await database.read { try await RuleRepository.list(workspaceID: ws, in: $0) }
            let broken = RuleSet(records.map { ($0.id, $0.definition) }).broken.map { BrokenRule(id: $0.id, reason: $0.reason) }
            return RuleList(items: records.map(RuleDTO.init), broken: broken)
        }
        api.on(.get, "/rules/schema", "Triggers, fields with their operators (the workspace's custom fields too), and action types, for rule editors",
               tag: "rules") { _, context in
            let ws = context.workspaceID
            let (custom, intents) = try await database.read {
                (try await CustomFieldRepository.list(workspaceID: ws, in: $0), try await WorkspaceIntentRepository.names(workspaceID: ws, in: $0))
            }
            return RuleSchemaDTO(
                triggers: RuleTrigger.allCases.map(\.rawValue),
                fields: RuleField.allCases.map {
                    .init(name: $0.rawValue, kind: $0.kind.rawValue, operators: $0.operators, values: $0 == .intent ? intents : Self.values(of: $0))
                }
                    + custom.map(Self.schemaField),
                actions: RuleAction.types,
                audiences: RuleAction.audiences)
        }
        api.on(.post, "/rules", "Add a rule at the end of the list", tag: "rules", role: .admin, body: "RuleDefinition",
               status: 201) { request, context in
            let definition = try await request.decode(as: RuleDefinition.self, context: context).validated()
            let ws = context.workspaceID
            return Created(body: RuleDTO(try await database.write { try await RuleRepository.create(workspaceID: ws, definition, now: Date(), in: $0) }))
        }
        api.on(.put, "/rules/{id}", "Replace a rule (keeps its place)", tag: "rules", role: .admin, body: "RuleDefinition") { request, context in
            let id = try request.number(context: context, "Rule")
            let definition = try await request.decode(as: RuleDefinition.self, context: context).validated()
            let ws = context.workspaceID
            guard let record = try await database.write({ try await RuleRepository.update(workspaceID: ws, id: id, definition, now: Date(), in: $0) })
            else { throw Problem(.notFound, "Rule \(id) was not found.") }
            return RuleDTO(record)
        }
        api.on(.delete, "/rules/{id}", "Delete a rule", tag: "rules", role: .admin) { request, context in
            let id = try request.number(context: context, "Rule")
            let ws = context.workspaceID
            guard try await database.write({ try await RuleRepository.delete(workspaceID: ws, id: id, in: $0) }) else {
                throw Problem(.notFound, "Rule \(id) was not found.")
            }
            return Response(status: .noContent)
        }
        api.on(.post, "/rules/order", "Set the order rules run in (every rule id once)", tag: "rules", role: .admin,
               body: "OrderBody") { request, context in
            let body = try await request.decode(as: OrderBody.self, context: context)
            let ws = context.workspaceID
            try await database.write { try await RuleRepository.reorder(workspaceID: ws, ids: body.ids, in: $0) }
            return Response(status: .noContent)
        }
        api.on(.get, "/rules/export", "All rules as JSON, in order, for import elsewhere", tag: "rules", role: .admin) { _, context in
            let ws = context.workspaceID
            return ExportDTO(rules: try await database.read { try await RuleRepository.list(workspaceID: ws, in: $0) }.map(\.definition))
        }
        api.on(.post, "/rules/import", "Replace all rules with the given list (validated first: all or nothing)", tag: "rules",
               role: .admin, body: "ImportBody") { request, context in
            let body = try await request.decode(as: ImportBody.self, context: context)
            let definitions = try Self.validate(body.rules)
            let ws = context.workspaceID
            let records = try await database.write { try await RuleRepository.replaceAll(workspaceID: ws, with: definitions, now: Date(), in: $0) }
            return RuleList(items: records.map(RuleDTO.init), broken: [])
        }
        api.on(.post, "/rules/dry-run", "What the rules (given or saved) would have done to the last conversations; changes nothing",
               tag: "rules", role: .admin, body: "DryRunBody") { request, context in
            let body = try await request.decode(as: DryRunBody.self, context: context)
            let limit = body.limit ?? 200
            guard (1...5_000).contains(limit) else {
                throw Problem(.unprocessableContent, "limit must be from 1 to 5000 conversations.", field: "limit")
            }
            let ws = context.workspaceID
            let result = try await database.read { sql in
                var definitions = try body.rules.map(Self.validate) ?? []
                if body.rules == nil { definitions = try await RuleRepository.list(workspaceID: ws, in: sql).map(\.definition) }
                return try await RuleDryRun.run(definitions, workspaceID: ws, limit: limit, automation: automation, now: Date(), in: sql)
            }
            return DryRunDTO(examined: result.examined, hits: result.hits.map {
                .init(conversationId: $0.conversationID.rawValue, number: $0.number, subject: $0.subject, trigger: $0.trigger, rules: $0.rules)
            })
        }
        SLARoutes(services: services).register(api)
        api.on(.get, "/history-lock", "After how many days resolved conversations become read-only history (null: never)",
               tag: "rules") { _, context in
            let ws = context.workspaceID
            return HistoryLockDTO(lockedAfterDays: try await database.read { try await HistoryLock.days(workspaceID: ws, in: $0) })
        }
        api.on(.put, "/history-lock", "Set after how many days resolved conversations become read-only (null: never)", tag: "rules",
               role: .admin, body: "HistoryLockDTO") { request, context in
            let body = try await request.decode(as: HistoryLockDTO.self, context: context)
            let ws = context.workspaceID
            try await database.write { try await HistoryLock.save(workspaceID: ws, days: body.lockedAfterDays, in: $0) }
            return body
        }
        api.on(.get, "/business-hours", "The workspace's opening hours and holidays (null: around the clock)", tag: "rules") { _, context in
            let ws = context.workspaceID
            return BusinessHoursDTO(calendar: try await database.read { try await BusinessHoursRepository.find(workspaceID: ws, in: $0) })
        }
        api.on(.put, "/business-hours", "Set opening hours and holidays; null calendar means around the clock", tag: "rules",
               role: .admin, body: "BusinessHoursDTO") { request, context in
            let body = try await request.decode(as: BusinessHoursDTO.self, context: context)
            let calendar = try body.calendar?.validated(field: "calendar")
            let ws = context.workspaceID
            try await database.write { try await BusinessHoursRepository.save(workspaceID: ws, calendar, in: $0) }
            return BusinessHoursDTO(calendar: calendar)
        }
    }

    /// A custom field as a condition's field: compared the way its kind allows.
    static func schemaField(_ field: CustomField) -> RuleSchemaDTO.Field {
        let name = (field.entity == .customer ? "customer.custom." : "custom.") + field.key
        let (kind, operators): (String, [String]) = switch field.kind {
        case .text: ("text", ["contains", "not_contains", "is", "is_not", "is_set", "is_not_set"])
        case .dropdown: ("keyword", ["is", "is_not", "in", "not_in", "is_set", "is_not_set"])
        case .number: ("number", ["is", "is_not", "gt", "gte", "lt", "lte", "is_set", "is_not_set"])
        case .date: ("date", ["is", "is_not", "gt", "gte", "lt", "lte", "is_set", "is_not_set"])
        case .checkbox: ("flag", ["is"])
        }
        return .init(name: name, kind: kind, operators: operators, values: field.kind == .dropdown ? field.options : nil,
                     label: field.label, entity: field.entity.rawValue)
    }

    struct RuleSchemaDTO: ResponseEncodable {
        struct Field: Codable, Sendable {
            var name: String
            var kind: String
            var operators: [String]
            /// The values the field can hold when they are a closed list the editor offers to pick
            /// from (channels, languages, intents, moods); nil when any value goes.
            var values: [String]?
            /// A custom field's own name (the others are worded by the app); its `entity` is
            /// `conversation` or `customer`.
            var label: String? = nil
            var entity: String? = nil
        }
        var triggers: [String]
        var fields: [Field]
        var actions: [String]
        var audiences: [String]
    }

    struct HistoryLockDTO: ResponseEncodable, Decodable {
        var lockedAfterDays: Int?
    }

    struct BusinessHoursDTO: ResponseEncodable, Decodable {
        var calendar: BusinessCalendar?
    }

    /// The closed lists of values a condition's field can hold, which the server knows: every
    /// channel, the languages and intents the shipped models tell apart (the rule schema adds the
    /// workspace's own intents), the three moods.
    static func values(of field: RuleField) -> [String]? {
        switch field {
        case .channel: InboxKind.allCases.map(\.rawValue)
        case .language: shippedLanguages
        case .intent: Intents.all
        case .sentiment: ["negative", "neutral", "positive"]
        default: nil
        }
    }

    private static let shippedLanguages: [String]? = (try? Intelligence.shipped()).map { $0.language.labels.sorted() }

    /// Validates a list, naming the rule at fault.
    static func validate(_ rules: [RuleDefinition]) throws -> [RuleDefinition] {
        guard rules.count <= 500 else { throw Problem(.unprocessableContent, "At most 500 rules.", field: "rules") }
        return try rules.enumerated().map { index, rule in
            do { return try rule.validated() } catch let error as ShopdeskError {
                throw ShopdeskError.invalid(field: "rules[\(index)].\(error.field ?? "")", "Rule \(index + 1) (\(rule.name)): \(error.message)")
            }
        }
    }
}
