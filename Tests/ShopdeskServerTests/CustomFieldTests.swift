import Foundation
import HTTPTypes
import HummingbirdTesting
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// Custom fields: an admin defines them, agents fill them in on conversations and customers,
/// values are checked by kind, lists and views filter by them, and a required one must be filled
/// before a conversation is resolved.
@Suite("Custom fields")
struct CustomFieldTests {
    @Test(arguments: TestDatabase.kinds)
    func fieldsAreDefinedFilledCheckedFilteredAndRequiredToResolve(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let token = harness.ownerToken
            let reason = try await harness.client.json(.post, "/api/v1/custom-fields", token: token, body: """
                {"entity":"conversation","key":"return_reason","label":"Return reason","kind":"dropdown",
                 "options":["Too small","Too big","Damaged"],"required_to_resolve":true}
                """)
            #expect(reason.status == .created, "\(reason.text)")
            for body in [#"{"entity":"conversation","key":"order_total","label":"Order total","kind":"number"}"#,
                         #"{"entity":"conversation","key":"promised_by","label":"Promised by","kind":"date"}"#,
                         #"{"entity":"customer","key":"loyalty_card","label":"Loyalty card","kind":"text"}"#] {
                #expect(try await harness.client.json(.post, "/api/v1/custom-fields", token: token, body: body).status == .created)
            }
            let taken = try await harness.client.json(.post, "/api/v1/custom-fields", token: token,
                                                      body: #"{"entity":"conversation","key":"order_total","label":"Again","kind":"text"}"#)
            #expect(taken.status == .conflict && (try? taken.string("code")) == "field_key_taken", "\(taken.text)")
            let badKey = try await harness.client.json(.post, "/api/v1/custom-fields", token: token,
                                                       body: #"{"entity":"conversation","key":"Order Total","label":"x","kind":"text"}"#)
            #expect(badKey.status == .unprocessableContent && (try? badKey.string("code")) == "field_key_invalid")
            let agent = try await harness.agent(role: .agent)
            #expect(try await harness.client.json(.post, "/api/v1/custom-fields", token: agent.token,
                                                  body: #"{"entity":"conversation","key":"x","label":"x","kind":"text"}"#).status == .forbidden)

            let first = try await harness.inbound(email: "ana@example.com", text: "These shoes are too small")
            let id = try first.int("conversation_id")
            let other = try await harness.inbound(email: "ivo@example.com", text: "Where is my order?").int("conversation_id")

            // Resolving waits for the required field, said in words the app translates.
            let early = try await harness.client.json(.patch, "/api/v1/conversations/\(id)", token: token, body: #"{"status":"resolved"}"#)
            #expect(early.status == .unprocessableContent && (try? early.string("code")) == "fields_required", "\(early.text)")
            #expect((early.body as? [String: Any]).flatMap { ($0["values"] as? [String: String])?["fields"] } == "Return reason")

            // Values are checked by kind and stored as written.
            for (body, field) in [(#"{"return_reason":"Too wide"}"#, "return_reason"), (#"{"order_total":"lots"}"#, "order_total"),
                                  (#"{"promised_by":"2026-02-30"}"#, "promised_by"), (#"{"colour":"red"}"#, "colour")] {
                let refused = try await harness.client.json(.patch, "/api/v1/conversations/\(id)/fields", token: token, body: body)
                #expect(refused.status == .unprocessableContent && (try? refused.string("field")) == field, "\(body): \(refused.text)")
            }
            let set = try await harness.client.json(.patch, "/api/v1/conversations/\(id)/fields", token: token,
                                                    body: #"{"return_reason":"Too small","order_total":59.9,"promised_by":"2026-12-24"}"#)
            #expect(set.status == .ok, "\(set.text)")
            #expect((try set.object("values").body as? [String: String]) == ["return_reason": "Too small", "order_total": "59.9", "promised_by": "2026-12-24"])
            let timeline = try await harness.client.json(.get, "/api/v1/conversations/\(id)/timeline", token: token).items
            #expect(timeline.contains { $0["kind"] as? String == "conversation.fields_changed" })
            #expect(try await harness.client.json(.patch, "/api/v1/conversations/\(id)", token: token, body: #"{"status":"resolved"}"#).status == .ok)

            // Lists and saved views filter by them.
            let listed = try await harness.client.json(.get, "/api/v1/conversations?custom.return_reason=Too%20small&custom.return_reason=Damaged",
                                                       token: token).items
            #expect(listed.map { $0["id"] as? Int } == [Int(id)])
            // Written as the field stores it: 59.90 finds 59.9; a field that does not exist is said so.
            let total = try await harness.client.json(.get, "/api/v1/conversations?custom.order_total=59.90", token: token).items
            #expect(total.map { $0["id"] as? Int } == [Int(id)])
            let unknownField = try await harness.client.json(.get, "/api/v1/conversations?custom.colour=red", token: token)
            #expect(unknownField.status == .badRequest && (try? unknownField.string("field")) == "custom.colour", "\(unknownField.text)")
            let view = try await harness.client.json(.post, "/api/v1/views", token: token,
                                                     body: #"{"name":"Damaged returns","filters":{"custom.return_reason":["Damaged"]}}"#)
            #expect(try await harness.client.json(.get, "/api/v1/conversations?saved_view=\(try view.int("id"))", token: token).items.isEmpty)
            _ = try await harness.client.json(.patch, "/api/v1/conversations/\(other)/fields", token: token, body: #"{"return_reason":"Damaged"}"#)
            #expect(try await harness.client.json(.get, "/api/v1/conversations?saved_view=\(try view.int("id"))", token: token)
                .items.map { $0["id"] as? Int } == [Int(other)])

            // A customer's own fields, and clearing a value with null.
            let customer = try first.int("customer_id")
            let card = try await harness.client.json(.patch, "/api/v1/customers/\(customer)/fields", token: token, body: #"{"loyalty_card":"GOLD-7"}"#)
            #expect((try card.object("values").body as? [String: String]) == ["loyalty_card": "GOLD-7"])
            // Merged into another customer, the card goes with them.
            let twin = try await harness.client.json(.post, "/api/v1/customers", token: token, body: #"{"name":"Ana again","email":"ana.two@example.com"}"#)
            let merged = try await harness.client.json(.post, "/api/v1/customers/\(customer)/merge", token: token, body: #"{"into":\#(try twin.int("id"))}"#)
            #expect(merged.status == .ok, "\(merged.text)")
            let moved = try await harness.client.json(.get, "/api/v1/customers/\(try twin.int("id"))/fields", token: token)
            #expect((try moved.object("values").body as? [String: String]) == ["loyalty_card": "GOLD-7"])
            let cleared = try await harness.client.json(.patch, "/api/v1/conversations/\(other)/fields", token: token, body: #"{"return_reason":null}"#)
            #expect((try cleared.object("values").body as? [String: String]) == [:])

            // Another workspace sees none of it.
            let stranger = try await harness.stranger()
            #expect(try await harness.client.json(.get, "/api/v1/custom-fields", token: stranger.token).items.isEmpty)
            #expect(try await harness.client.json(.get, "/api/v1/conversations/\(id)/fields", token: stranger.token).status == .notFound)
            #expect(try await harness.client.json(.patch, "/api/v1/customers/\(try twin.int("id"))/fields", token: stranger.token,
                                                  body: #"{"loyalty_card":"x"}"#).status == .notFound)
        }
    }
}
