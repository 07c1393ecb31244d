import Foundation
import HTTPTypes
import HummingbirdTesting
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// Custom fields in automation: rules compare a conversation's and its customer's fields and set
/// them; macros set them (a required field filled by the macro lets it resolve); what they name
/// is checked when they are saved, and values are compared as the fields store them.
@Suite("Custom fields in rules and macros")
struct CustomFieldAutomationTests {
    @Test(arguments: TestDatabase.kinds)
    func rulesCompareAndSetFieldsAndMacrosFillThem(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let token = harness.ownerToken
            for body in [#"{"entity":"conversation","key":"return_reason","label":"Return reason","kind":"dropdown","options":["Too small","Damaged"],"required_to_resolve":true}"#,
                         #"{"entity":"conversation","key":"order_total","label":"Order total","kind":"number"}"#,
                         #"{"entity":"conversation","key":"handled_by","label":"Handled by","kind":"text"}"#,
                         #"{"entity":"customer","key":"tier","label":"Tier","kind":"dropdown","options":["Gold","Silver"]}"#] {
                let created = try await harness.client.json(.post, "/api/v1/custom-fields", token: token, body: body)
                #expect(created.status == .created, "\(created.text)")
            }

            // Names and values are checked when saved: an unknown field, a value the field cannot hold.
            for (conditions, actions, code) in [
                (#"{"all":[{"field":"custom.colour","op":"is","value":"red"}]}"#, #"[{"type":"add_tags","tags":["x"]}]"#, "field_unknown"),
                (#"{"all":[{"field":"custom.return_reason","op":"is","value":"Too wide"}]}"#, #"[{"type":"add_tags","tags":["x"]}]"#, "field_value_invalid"),
                (#"{"all":[]}"#, #"[{"type":"set_field","key":"order_total","value":"lots"}]"#, "field_value_invalid"),
                (#"{"all":[]}"#, #"[{"type":"set_field","key":"tier","value":"Gold"}]"#, "field_unknown"),
            ] {
                let refused = try await harness.client.json(.post, "/api/v1/rules", token: token, body: """
                    {"name":"Bad","triggers":["conversation.updated"],"conditions":\(conditions),"actions":\(actions)}
                    """)
                #expect(refused.status == .unprocessableContent && (try? refused.string("code")) == code, "\(conditions) \(actions): \(refused.text)")
            }

            // Big damaged orders of gold customers go to the owner; 150.00 is compared as 150.
            let rule = try await harness.client.json(.post, "/api/v1/rules", token: token, body: #"""
                {"name":"Damaged, gold, big","triggers":["conversation.updated"],
                 "conditions":{"all":[{"field":"changed","op":"includes","value":"fields"},
                                      {"field":"custom.return_reason","op":"is","value":"Damaged"},
                                      {"field":"custom.order_total","op":"gte","value":"150.00"},
                                      {"field":"customer.custom.tier","op":"in","value":["Gold"]},
                                      {"field":"custom.handled_by","op":"is_not_set"}]},
                 "actions":[{"type":"add_tags","tags":["damage-vip"]},{"type":"set_field","key":"handled_by","value":"Returns desk"},
                            {"type":"assign_agent","agent_id":\#(harness.owner.id)}]}
                """#)
            #expect(rule.status == .created, "\(rule.text)")

            let silver = try await harness.inbound(email: "ivo@example.com", text: "The vase arrived broken").int("conversation_id")
            let silverCustomer = try await harness.client.json(.get, "/api/v1/conversations/\(silver)", token: token).int("customer_id")
            _ = try await harness.client.json(.patch, "/api/v1/customers/\(silverCustomer)/fields", token: token, body: #"{"tier":"Silver"}"#)
            _ = try await harness.client.json(.patch, "/api/v1/conversations/\(silver)/fields", token: token,
                                              body: #"{"return_reason":"Damaged","order_total":"199.90"}"#)
            let untouched = try await harness.client.json(.get, "/api/v1/conversations/\(silver)", token: token)
            #expect((untouched.body as? [String: Any])?["tags"] as? [String] == [], "a silver customer: no rule")

            let gold = try await harness.inbound(email: "ana@example.com", text: "The lamp arrived broken").int("conversation_id")
            let goldCustomer = try await harness.client.json(.get, "/api/v1/conversations/\(gold)", token: token).int("customer_id")
            _ = try await harness.client.json(.patch, "/api/v1/customers/\(goldCustomer)/fields", token: token, body: #"{"tier":"Gold"}"#)
            _ = try await harness.client.json(.patch, "/api/v1/conversations/\(gold)/fields", token: token, body: #"{"order_total":"120"}"#)
            #expect((try await harness.client.json(.get, "/api/v1/conversations/\(gold)", token: token).body as? [String: Any])?["tags"] as? [String] == [],
                    "not damaged yet, and too small")
            let set = try await harness.client.json(.patch, "/api/v1/conversations/\(gold)/fields", token: token,
                                                    body: #"{"return_reason":"Damaged","order_total":150}"#)
            #expect(set.status == .ok, "\(set.text)")
            let fired = try await harness.client.json(.get, "/api/v1/conversations/\(gold)", token: token)
            #expect((fired.body as? [String: Any])?["tags"] as? [String] == ["damage-vip"], "\(fired.text)")
            #expect(try fired.int("assignee_id") == harness.owner.id.rawValue)
            let values = try await harness.client.json(.get, "/api/v1/conversations/\(gold)/fields", token: token)
            #expect((try values.object("values").body as? [String: String])?["handled_by"] == "Returns desk")
            // The rule's own change does not fire it again (handled_by is set now).
            let timeline = try await harness.client.json(.get, "/api/v1/conversations/\(gold)/timeline", token: token).items
            #expect(timeline.filter { $0["kind"] as? String == "rule.fired" }.count == 1)

            // A macro fills the required field, so its resolve goes through.
            let macro = try await harness.client.json(.post, "/api/v1/macros", token: token, body: #"""
                {"name":"Too small: exchange","body":"We will send a bigger size.",
                 "actions":[{"type":"set_field","key":"return_reason","value":"Too small"},{"type":"set_status","status":"resolved"}]}
                """#)
            #expect(macro.status == .created, "\(macro.text)")
            let small = try await harness.inbound(email: "eva@example.com", text: "The shoes are too small").int("conversation_id")
            let applied = try await harness.client.json(.post, "/api/v1/conversations/\(small)/macros/\(try macro.int("id"))/apply", token: token, body: "{}")
            #expect(applied.status == .ok, "\(applied.text)")
            #expect(try applied.object("conversation").string("status") == "resolved")
            let filled = try await harness.client.json(.get, "/api/v1/conversations/\(small)/fields", token: token)
            #expect((try filled.object("values").body as? [String: String])?["return_reason"] == "Too small")
            let refusedMacro = try await harness.client.json(.post, "/api/v1/macros", token: token, body: #"""
                {"name":"Bad","body":"x","actions":[{"type":"set_field","key":"return_reason","value":"Too wide"}]}
                """#)
            #expect(refusedMacro.status == .unprocessableContent && (try? refusedMacro.string("code")) == "field_value_invalid")
        }
    }
}
