import Foundation
import Testing
@testable import ShopdeskCore

@Suite("Rules engine")
struct RuleEngineTests {
    func facts(_ trigger: RuleTrigger = .messageInbound, text: String = "Where is my order #1234?", subject: String? = nil,
               intent: String? = "order_status", channel: String = "email", tags: Set<String> = [], priority: Priority = .normal,
               email: String? = "ana@example.com.br", businessHours: Bool = true,
               changed: Set<String> = []) -> RuleFacts {
        RuleFacts(trigger: trigger, channel: channel, inboxID: 3, subject: subject, text: text, language: "en", intent: intent,
                  sentiment: "neutral", urgent: false, priority: priority, status: .open, assigneeID: nil, teamID: 7, tags: tags,
                  customerEmail: email, customerName: "Ana Souza", withinBusinessHours: businessHours, hoursSinceCreated: 2,
                  messageCount: 1, changed: changed)
    }

    func rule(_ json: String) throws -> RuleDefinition {
        try JSONDecoder().decode(RuleDefinition.self, from: Data(json.utf8)).validated()
    }

    func fires(_ conditions: String, _ facts: RuleFacts) throws -> Bool {
        let definition = try rule(#"{"name":"t","triggers":["\#(facts.trigger.rawValue)"],"conditions":\#(conditions),"actions":[{"type":"add_tags","tags":["x"]}]}"#)
        return !RuleSet([(1, definition)]).matches(facts).isEmpty
    }

    @Test("text matching ignores case and accents, in Latin and Cyrillic")
    func foldedText() throws {
        #expect(try fires(#"{"field":"message.text","op":"contains","value":"WHERE IS"}"#, facts()))
        #expect(try fires(#"{"field":"message.text","op":"contains","value":"reembolso"}"#, facts(text: "Quero o REEMBÔLSO já")))
        #expect(try fires(#"{"field":"message.text","op":"contains_any","value":["возврат","refund"]}"#, facts(text: "Хочу ВОЗВРАТ денег")))
        #expect(try fires(#"{"field":"message.text","op":"contains","value":"dostava"}"#, facts(text: "Gdje je moja DOSTAVA? čekam")))
        #expect(try !fires(#"{"field":"message.text","op":"not_contains","value":"order"}"#, facts()))
        #expect(try fires(##"{"field":"message.text","op":"matches","value":"#\\d{4}"}"##, facts()))
        #expect(try fires(#"{"field":"subject","op":"is_not_set"}"#, facts()))
    }

    @Test("nested all/any groups")
    func nestedGroups() throws {
        let conditions = #"""
        {"all":[{"field":"channel","op":"in","value":["email","chat"]},
                {"any":[{"field":"intent","op":"is","value":"refund_status"},{"field":"customer.email_domain","op":"is","value":"example.com.br"}]}]}
        """#
        #expect(try fires(conditions, facts()))
        #expect(try !fires(conditions, facts(channel: "api")))
        #expect(try !fires(conditions, facts(email: "x@other.org")))
        #expect(try fires(#"{"all":[]}"#, facts()))
    }

    @Test("custom fields: one of a list, a phrase, numbers as numbers, dates as written, set or not")
    func customFields() throws {
        var given = facts()
        given.setCustom(conversation: ["return_reason": "Damaged", "order_total": "150", "promised_by": "2026-12-24", "note": "Caixa AMASSADA"],
                        customer: ["tier": "Gold"])
        #expect(try fires(#"{"field":"custom.return_reason","op":"in","value":["damaged","Too small"]}"#, given))
        #expect(try !fires(#"{"field":"custom.return_reason","op":"is_not","value":"Damaged"}"#, given))
        #expect(try fires(#"{"field":"custom.note","op":"contains","value":"amassada"}"#, given))
        #expect(try fires(#"{"field":"custom.order_total","op":"gte","value":99.5}"#, given))
        #expect(try !fires(#"{"field":"custom.order_total","op":"lt","value":"100"}"#, given), "150 is not below 100, though \"150\" sorts before \"99\"")
        #expect(try fires(#"{"field":"custom.promised_by","op":"lt","value":"2027-01-01"}"#, given))
        #expect(try fires(#"{"field":"customer.custom.tier","op":"is","value":"gold"}"#, given))
        #expect(try fires(#"{"field":"custom.colour","op":"is_not_set"}"#, given))
        #expect(try !fires(#"{"field":"custom.colour","op":"in","value":["red"]}"#, given))
        #expect(try fires(#"{"field":"custom.colour","op":"is_not","value":"red"}"#, given))
        // Many rules over custom fields in one program: each reads its own field.
        let rules: [(id: Int64, definition: RuleDefinition)] = try [(1, rule(#"{"name":"a","triggers":["message.inbound"],"conditions":{"field":"custom.order_total","op":"gt","value":200},"actions":[{"type":"add_tags","tags":["x"]}]}"#)),
                         (2, rule(#"{"name":"b","triggers":["message.inbound"],"conditions":{"field":"customer.custom.tier","op":"is","value":"gold"},"actions":[{"type":"add_tags","tags":["y"]}]}"#))]
        #expect(RuleSet(rules).matches(given).map(\.id) == [2])
        #expect(RuleSet(rules).customFields == ["custom.order_total", "customer.custom.tier"])
        #expect(throws: ShopdeskError.self) { try fires(#"{"field":"custom.","op":"is","value":"x"}"#, given) }
        #expect(throws: ShopdeskError.self) { try fires(#"{"field":"custom.x","op":"matches","value":"x"}"#, given) }
    }

    @Test func keywordsNumbersFlagsAndSets() throws {
        #expect(try fires(#"{"field":"priority","op":"gte","value":"high"}"#, facts(priority: .urgent)))
        #expect(try !fires(#"{"field":"priority","op":"gt","value":"high"}"#, facts(priority: .high)))
        #expect(try fires(#"{"field":"hours_since_created","op":"gt","value":1}"#, facts()))
        #expect(try fires(#"{"field":"assignee_id","op":"is_not_set"}"#, facts()))
        #expect(try fires(#"{"field":"business_hours","op":"is","value":false}"#, facts(businessHours: false)))
        #expect(try fires(#"{"field":"tags","op":"includes","value":["vip","wholesale"]}"#, facts(tags: ["vip"])))
        #expect(try !fires(#"{"field":"tags","op":"includes_all","value":["vip","wholesale"]}"#, facts(tags: ["vip"])))
        #expect(try fires(#"{"field":"intent","op":"is_set"}"#, facts()))
        #expect(try !fires(#"{"field":"intent","op":"is","value":"refund_status"}"#, facts(intent: nil)))
        #expect(try fires(#"{"field":"changed","op":"includes","value":"status"}"#, facts(.conversationUpdated, changed: ["status"])))
    }

    @Test("order, stop flags and the loop guard's exclusions")
    func orderAndStop() throws {
        let tag = #"[{"type":"add_tags","tags":["a"]}]"#
        let first = try rule(#"{"name":"first","triggers":["message.inbound"],"actions":\#(tag),"stop":true}"#)
        let second = try rule(#"{"name":"second","triggers":["message.inbound"],"actions":\#(tag)}"#)
        let other = try rule(#"{"name":"other","triggers":["conversation.created"],"actions":\#(tag)}"#)
        let set = RuleSet([(1, first), (2, second), (3, other)])
        #expect(set.matches(facts()).map(\.id) == [1])
        #expect(set.matches(facts(), excluding: [1]).map(\.id) == [2])
        var disabled = first
        disabled.enabled = false
        #expect(RuleSet([(1, disabled), (2, second)]).matches(facts()).map(\.id) == [2])
    }

    @Test("mistakes are refused with the field to fix", arguments: [
        (#"{"name":"x","triggers":[],"actions":[{"type":"add_tags","tags":["a"]}]}"#, "triggers"),
        (#"{"name":"x","triggers":["message.inbound"],"actions":[]}"#, "actions"),
        (#"{"name":"x","triggers":["message.inbound"],"conditions":{"field":"colour","op":"is","value":"red"},"actions":[{"type":"add_tags","tags":["a"]}]}"#, "conditions"),
        (#"{"name":"x","triggers":["message.inbound"],"conditions":{"all":[{"field":"urgent","op":"contains","value":"x"}]},"actions":[{"type":"add_tags","tags":["a"]}]}"#, "conditions.all[0]"),
        (#"{"name":"x","triggers":["message.inbound"],"conditions":{"field":"message.text","op":"matches","value":"(["},"actions":[{"type":"add_tags","tags":["a"]}]}"#, "conditions"),
        (#"{"name":"x","triggers":["message.inbound"],"actions":[{"type":"notify","audience":"everyone"}]}"#, "actions[0]"),
        (#"{"name":"x","triggers":["message.inbound"],"actions":[{"type":"add_note","text":"Hi {{customr.name}}"}]}"#, "actions[0]"),
    ])
    func validation(json: String, field: String) {
        #expect {
            try rule(json)
        } throws: { error in
            (error as? ShopdeskError)?.field == field
        }
    }

    @Test("definitions survive an export and import unchanged")
    func jsonRoundTrip() throws {
        let definition = try rule(#"""
        {"name":"Angry VIPs first","triggers":["message.inbound","conversation.created"],
         "conditions":{"all":[{"field":"sentiment","op":"is","value":"negative"},{"any":[{"field":"tags","op":"includes","value":"vip"}]}]},
         "actions":[{"type":"set_priority","priority":"urgent"},{"type":"assign_team","team_id":4},{"type":"snooze","hours":2},
                    {"type":"notify","audience":"team","message":"VIP upset","outside_business_hours":true},{"type":"assign_agent","agent_id":null}],
         "stop":true}
        """#)
        let again = try JSONDecoder().decode(RuleDefinition.self, from: JSONEncoder().encode(definition))
        #expect(again == definition)
    }
}
