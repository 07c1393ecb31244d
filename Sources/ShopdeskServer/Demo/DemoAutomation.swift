import Foundation
import ShopdeskCore
import ShopdeskStore

/// The demo shop's automation: business hours, SLA policies, macros in four languages and a few
/// rules, added after the history is seeded so the rules act on what arrives from now on.
enum DemoAutomation {
    static func install(workspaceID: WorkspaceID, teamID: TeamID, database: Database, now: Date) async throws {
        try await database.write { sql in
            let weekdays = Dictionary(uniqueKeysWithValues: ["mon", "tue", "wed", "thu", "fri"].map { ($0, "08:00-20:00") })
            try await BusinessHoursRepository.save(
                workspaceID: workspaceID,
                BusinessCalendar(timeZone: "Europe/Zagreb", weekly: weekdays.merging(["sat": "09:00-13:00"]) { $1 },
                                 holidays: ["2026-12-25", "2026-12-26", "2027-01-01"]),
                in: sql)
            _ = try await SLAPolicyRepository.create(workspaceID: workspaceID, SLAPolicy(
                name: "Urgent and VIP", conditions: .any([.compare(field: "priority", op: "gte", value: .string("high")),
                                                         .compare(field: "tags", op: "includes", value: .string("vip"))]),
                firstResponseMinutes: 60, nextResponseMinutes: 120, resolutionMinutes: 8 * 60, warnMinutes: 15).validated(), now: now, in: sql)
            _ = try await SLAPolicyRepository.create(workspaceID: workspaceID, SLAPolicy(
                name: "Everyone else", firstResponseMinutes: 4 * 60, nextResponseMinutes: 8 * 60, resolutionMinutes: 3 * 8 * 60).validated(),
                now: now, in: sql)
            let wismo = try await MacroRepository.create(workspaceID: workspaceID, MacroDefinition(
                name: "Where is my order",
                body: "Hi {{customer.first_name | default: \"there\"}},\n\nthanks for your patience! Your parcel is with the courier and should arrive within 2 working days. You will get the tracking link by email.\n\n{{agent.first_name | default: \"The team\"}}, {{workspace.name}}",
                variants: [
                    "pt": "Olá {{customer.first_name | default: \"\"}}!\n\nSeu pedido já está com a transportadora e deve chegar em até 2 dias úteis. O link de rastreio vai por e-mail.\n\n{{agent.first_name | default: \"Equipe\"}}, {{workspace.name}}",
                    "ru": "Здравствуйте, {{customer.first_name | default: \"\"}}!\n\nВаш заказ уже у курьера и придёт в течение 2 рабочих дней. Ссылку для отслеживания пришлём по email.\n\n{{agent.first_name | default: \"Команда\"}}, {{workspace.name}}",
                    "hr": "Bok {{customer.first_name | default: \"\"}}!\n\nVaš paket je kod dostavljača i stiže unutar 2 radna dana. Poveznicu za praćenje šaljemo e-poštom.\n\n{{agent.first_name | default: \"Tim\"}}, {{workspace.name}}",
                ],
                actions: [.addTags(["wismo"]), .setStatus(.pending)]).validated(), now: now, in: sql)
            _ = try await MacroRepository.create(workspaceID: workspaceID, MacroDefinition(
                name: "Return instructions",
                body: "Hi {{customer.first_name | default: \"there\"}}, sorry it didn't work out! Reply with your order number and we'll email a prepaid return label. Refunds reach your card within 5 working days of the parcel arriving.",
                actions: [.addTags(["return"]), .assignTeam(teamID)]).validated(), now: now, in: sql)
            let closed = try await MacroRepository.create(workspaceID: workspaceID, MacroDefinition(
                name: "We're closed right now",
                body: "Thanks for writing, {{customer.first_name | default: \"and welcome\"}}! Our team is away right now and will answer first thing in the morning.",
                variants: ["pt": "Obrigado pela mensagem! Nossa equipe volta amanhã cedo e responde logo.",
                           "ru": "Спасибо за сообщение! Сейчас мы не на связи и ответим утром.",
                           "hr": "Hvala na poruci! Tim se javlja ujutro."]).validated(), now: now, in: sql)
            _ = try await RuleRepository.create(workspaceID: workspaceID, RuleDefinition(
                name: "Refund and return requests go to Returns",
                triggers: [.messageInbound],
                conditions: .any([.compare(field: "intent", op: "in", value: .array([.string("return_request"), .string("refund_status")])),
                                  .compare(field: "message.text", op: "contains_any",
                                           value: .array(["refund", "reembolso", "devolução", "возврат", "povrat"].map(JSONValue.string)))]),
                actions: [.addTags(["refund"]), .assignTeam(teamID)]).validated(), now: now, in: sql)
            _ = try await RuleRepository.create(workspaceID: workspaceID, RuleDefinition(
                name: "Angry or urgent customers first",
                triggers: [.messageInbound],
                conditions: .any([.compare(field: "urgent", op: "is", value: .bool(true)),
                                  .compare(field: "sentiment", op: "is", value: .string("negative"))]),
                actions: [.setPriority(.high), .notify(audience: "team", message: "An upset customer is waiting", outsideBusinessHours: false)]
            ).validated(), now: now, in: sql)
            _ = try await RuleRepository.create(workspaceID: workspaceID, RuleDefinition(
                name: "Say when we are closed",
                triggers: [.conversationCreated],
                conditions: .all([.compare(field: "business_hours", op: "is", value: .bool(false))]),
                actions: [.replyWithMacro(closed.id)]).validated(), now: now, in: sql)
            _ = wismo
            try await SurveyRepository.save(workspaceID: workspaceID, SurveySettings(kind: .csat, delayMinutes: 0,
                                                                                     reviewURL: "https://reviews.example/demo-shop"), in: sql)
            let review = try await MacroRepository.create(workspaceID: workspaceID, MacroDefinition(
                name: "Thanks for the stars",
                body: "Thank you, {{customer.first_name | default: \"\"}}! If you have a minute, a short review helps other shoppers a lot: {{workspace.review_url}}"
            ).validated(), now: now, in: sql)
            _ = try await RuleRepository.create(workspaceID: workspaceID, RuleDefinition(
                name: "Happy customers get a review request", triggers: [.surveyAnswered],
                conditions: .compare(field: "survey_score", op: "gte", value: .number(5)),
                actions: [.replyWithMacro(review.id)]).validated(), now: now, in: sql)
            _ = try await RuleRepository.create(workspaceID: workspaceID, RuleDefinition(
                name: "Unhappy customers are reopened and escalated", triggers: [.surveyAnswered],
                conditions: .compare(field: "survey_score", op: "lte", value: .number(2)),
                actions: [.setStatus(.open), .setPriority(.urgent), .notify(audience: "admins", message: "A customer rated us badly",
                                                                              outsideBusinessHours: false)]).validated(), now: now, in: sql)
            _ = try await RuleRepository.create(workspaceID: workspaceID, RuleDefinition(
                name: "Close quiet pending conversations after 3 days", triggers: [.scheduled],
                conditions: .all([.compare(field: "status", op: "is", value: .string("pending")),
                                  .compare(field: "last_message_from", op: "is", value: .string("agent")),
                                  .compare(field: "hours_since_last_message", op: "gte", value: .number(72))]),
                actions: [.setStatus(.resolved)]).validated(), now: now, in: sql)
            // The shop's own fields, and two shared views: urgent work waiting by SLA, and returns as a board.
            _ = try await CustomFieldRepository.create(
                workspaceID: workspaceID, entity: .conversation, key: "return_reason", label: "Return reason", kind: .dropdown,
                options: ["Too small", "Too big", "Damaged", "Changed my mind"], requiredToResolve: false, now: now, in: sql)
            _ = try await CustomFieldRepository.create(
                workspaceID: workspaceID, entity: .customer, key: "loyalty_card", label: "Loyalty card", kind: .text, options: [],
                requiredToResolve: false, now: now, in: sql)
            _ = try await SavedViewRepository.create(
                workspaceID: workspaceID, owner: nil, name: "Urgent and high", fields: ["status": ["open", "pending"], "priority": ["urgent", "high"]],
                sort: .sla, layout: .list, now: now, in: sql)
            _ = try await SavedViewRepository.create(
                workspaceID: workspaceID, owner: nil, name: "Returns board", fields: ["intent": ["return_request", "refund_status"]],
                sort: .newest, layout: .board, now: now, in: sql)
        }
    }
}
