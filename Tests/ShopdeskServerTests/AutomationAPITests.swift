import Foundation
import HTTPTypes
import HummingbirdTesting
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

@Suite("Rules and macros over the API")
struct AutomationAPITests {
    func tags(_ harness: Harness, _ conversation: Int64) async throws -> [String] {
        let body = try await harness.client.json(.get, "/api/v1/conversations/\(conversation)", token: harness.ownerToken).body
        return (body as? [String: Any])?["tags"] as? [String] ?? []
    }

    func timelineKinds(_ harness: Harness, _ conversation: Int64) async throws -> [String] {
        try await harness.client.json(.get, "/api/v1/conversations/\(conversation)/timeline", token: harness.ownerToken)
            .items.compactMap { $0["kind"] as? String }
    }

    @Test("rules fire in the ingest transaction, in order, credited to the rule, and chain through conversation.updated",
          arguments: TestDatabase.kinds)
    func rulesFireOnInboundMessages(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let token = harness.ownerToken
            let refund = try await harness.client.json(.post, "/api/v1/rules", token: token, body: #"""
                {"name":"Refunds are urgent","triggers":["message.inbound"],
                 "conditions":{"any":[{"field":"message.text","op":"contains_any","value":["refund","reembolso","возврат"]}]},
                 "actions":[{"type":"add_tags","tags":["refund"]},{"type":"set_priority","priority":"urgent"},
                            {"type":"add_note","text":"Refund asked by {{customer.first_name | default: \"someone\"}}"}]}
                """#)
            #expect(refund.status == .created)
            // Reacts to the first rule's change (a chain), and must not fire again on its own change.
            let chained = try await harness.client.json(.post, "/api/v1/rules", token: token, body: #"""
                {"name":"Urgent goes to owner","triggers":["conversation.updated"],
                 "conditions":{"all":[{"field":"changed","op":"includes","value":"priority"},{"field":"priority","op":"is","value":"urgent"}]},
                 "actions":[{"type":"assign_agent","agent_id":\#(harness.owner.id)},{"type":"set_priority","priority":"high"},
                            {"type":"set_priority","priority":"urgent"}]}
                """#)
            #expect(chained.status == .created)
            let id = try await harness.inbound(text: "Quero o REEMBÔLSO do pedido #1234").int("conversation_id")
            let conversation = try await harness.client.json(.get, "/api/v1/conversations/\(id)", token: token)
            #expect(try conversation.string("priority") == "urgent")
            #expect(try conversation.int("assignee_id") == harness.owner.id.rawValue)
            #expect((conversation.body as? [String: Any])?["tags"] as? [String] == ["refund"])
            let timeline = try await harness.client.json(.get, "/api/v1/conversations/\(id)/timeline", token: token).items
            let fired = timeline.filter { $0["kind"] as? String == "rule.fired" }
            #expect(fired.count == 2)
            let ruleActors = timeline.filter { ($0["actor"] as? [String: Any])?["type"] as? String == "rule" }
            #expect(ruleActors.count >= 4)
            let messages = try await harness.client.json(.get, "/api/v1/conversations/\(id)/messages", token: token).items
            #expect(messages.contains { $0["direction"] as? String == "note" && $0["text"] as? String == "Refund asked by Marta" })
            // A later message without the word fires nothing new.
            _ = try await harness.inbound(text: "Thanks!")
            #expect(try await timelineKinds(harness, id).filter { $0 == "rule.fired" }.count == 2)
            let rules = try await harness.client.json(.get, "/api/v1/rules", token: token).items
            #expect(rules.map { $0["fired_count"] as? Int } == [1, 1])
        }
    }

    @Test("the rule schema offers the closed lists an editor picks from: every channel, the shipped languages and intents")
    func theSchemaListsValuesToPickFrom() async throws {
        try await Harness.run(.sqlite) { harness in
            let schema = try await harness.client.json(.get, "/api/v1/rules/schema", token: harness.ownerToken)
            let fields = try #require((schema.body as? [String: Any])?["fields"] as? [[String: Any]])
            func values(_ name: String) -> [String]? { fields.first { $0["name"] as? String == name }?["values"] as? [String] }
            #expect(values("channel") == InboxKind.allCases.map(\.rawValue))
            #expect(values("channel")?.contains("whatsapp") == true)
            #expect(Set(["en", "pt", "ru", "hr"]).isSubset(of: Set(values("language") ?? [])), "\(values("language") ?? [])")
            #expect(values("intent")?.contains("return_request") == true)
            #expect(values("sentiment") == ["negative", "neutral", "positive"])
            #expect(values("message.text") == nil, "free text has no list")
        }
    }

    @Test("a rule edited, reordered or stopped takes effect at the next write")
    func orderStopAndEdits() async throws {
        try await Harness.run(.sqlite) { harness in
            let token = harness.ownerToken
            func rule(_ name: String, _ tag: String, stop: Bool) async throws -> Int64 {
                try await harness.client.json(.post, "/api/v1/rules", token: token, body: """
                    {"name":"\(name)","triggers":["conversation.created"],"actions":[{"type":"add_tags","tags":["\(tag)"]}],"stop":\(stop)}
                    """).int("id")
            }
            let first = try await rule("First", "one", stop: true)
            let second = try await rule("Second", "two", stop: false)
            let a = try await harness.inbound(email: "a@example.com").int("conversation_id")
            #expect(try await tags(harness, a) == ["one"])
            let reordered = try await harness.client.json(.post, "/api/v1/rules/order", token: token, body: #"{"ids":[\#(second),\#(first)]}"#)
            #expect(reordered.status == .noContent)
            let b = try await harness.inbound(email: "b@example.com").int("conversation_id")
            #expect(try await tags(harness, b) == ["one", "two"])
            let bad = try await harness.client.json(.post, "/api/v1/rules/order", token: token, body: #"{"ids":[\#(second)]}"#)
            #expect(bad.status == .unprocessableContent)
            let disabled = try await harness.client.json(.put, "/api/v1/rules/\(first)", token: token, body: """
                {"name":"First","enabled":false,"triggers":["conversation.created"],"actions":[{"type":"add_tags","tags":["one"]}]}
                """)
            #expect(disabled.status == .ok)
            let c = try await harness.inbound(email: "c@example.com").int("conversation_id")
            #expect(try await tags(harness, c) == ["two"])
        }
    }

    @Test("bad rules get problems naming the part to fix; agents cannot edit rules")
    func validationAndPermissions() async throws {
        try await Harness.run(.sqlite) { harness in
            let token = harness.ownerToken
            let unknownField = try await harness.client.json(.post, "/api/v1/rules", token: token, body: #"""
                {"name":"x","triggers":["message.inbound"],"conditions":{"all":[{"field":"colour","op":"is","value":"red"}]},
                 "actions":[{"type":"add_tags","tags":["a"]}]}
                """#)
            #expect(unknownField.status == .unprocessableContent)
            #expect(unknownField.detail.contains("Unknown field colour"))
            let unknownAction = try await harness.client.json(.post, "/api/v1/rules", token: token, body: #"""
                {"name":"x","triggers":["message.inbound"],"actions":[{"type":"launch_rocket"}]}
                """#)
            #expect(unknownAction.status == .badRequest)
            #expect(unknownAction.detail.contains("launch_rocket"))
            let agent = try await harness.agent(role: .agent)
            let forbidden = try await harness.client.json(.post, "/api/v1/rules", token: agent.token, body: #"""
                {"name":"x","triggers":["message.inbound"],"actions":[{"type":"add_tags","tags":["a"]}]}
                """#)
            #expect(forbidden.status == .forbidden)
            let badImport = try await harness.client.json(.post, "/api/v1/rules/import", token: token, body: #"""
                {"rules":[{"name":"ok","triggers":["message.inbound"],"actions":[{"type":"add_tags","tags":["a"]}]},
                          {"name":"broken","triggers":[],"actions":[{"type":"add_tags","tags":["a"]}]}]}
                """#)
            #expect(badImport.status == .unprocessableContent)
            #expect(badImport.detail.contains("Rule 2 (broken)"))
            #expect(try await harness.client.json(.get, "/api/v1/rules", token: token).items.isEmpty)
        }
    }

    @Test("export then import reproduces the rules; the dry run reports without changing anything", arguments: TestDatabase.kinds)
    func exportImportAndDryRun(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let token = harness.ownerToken
            _ = try await harness.inbound(email: "x@example.com", text: "My parcel arrived broken")
            _ = try await harness.inbound(email: "y@example.com", text: "Where is my order?")
            let rules = #"""
                {"rules":[{"name":"Damaged","triggers":["message.inbound"],
                  "conditions":{"field":"message.text","op":"contains","value":"broken"},
                  "actions":[{"type":"add_tags","tags":["damaged"]},{"type":"assign_team","team_id":null}]},
                 {"name":"Everything","triggers":["conversation.created"],"actions":[{"type":"set_priority","priority":"low"}]}]}
                """#
            let dry = try await harness.client.json(.post, "/api/v1/rules/dry-run", token: token, body: String(rules.dropLast()) + #","limit":10}"#)
            #expect(dry.status == .ok)
            #expect(try dry.int("examined") == 2)
            let hits = (dry.body as? [String: Any])?["hits"] as? [[String: Any]] ?? []
            #expect(hits.filter { ($0["rules"] as? [Int]) == [1] }.count == 1)
            #expect(hits.filter { ($0["rules"] as? [Int]) == [2] }.count == 2)
            let listed = try await harness.client.json(.get, "/api/v1/conversations?view=all", token: token).items
            #expect(listed.allSatisfy { ($0["tags"] as? [String])?.isEmpty ?? true })
            let imported = try await harness.client.json(.post, "/api/v1/rules/import", token: token, body: rules)
            #expect(imported.status == .ok)
            let exported = try await harness.client.json(.get, "/api/v1/rules/export", token: token)
            let again = try JSONDecoder().decode([String: [RuleDefinition]].self, from: Data(exported.text.utf8))["rules"]
            let original = try JSONDecoder().decode([String: [RuleDefinition]].self, from: Data(rules.utf8))["rules"]
            #expect(again == original)
        }
    }

    @Test("macros: preview with the real customer's data and warnings, per-language variant, apply sends and acts",
          arguments: TestDatabase.kinds)
    func macros(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let token = harness.ownerToken
            let created = try await harness.client.json(.post, "/api/v1/macros", token: token, body: #"""
                {"name":"Where is my order","body":"Hi {{customer.first_name}}, {{agent.first_name}} here. {{customer.phone}}Your order is on its way.",
                 "variants":{"pt":"Olá {{customer.first_name}}! Seu pedido está a caminho."},
                 "actions":[{"type":"add_tags","tags":["wismo"]},{"type":"set_status","status":"pending"}]}
                """#)
            #expect(created.status == .created)
            let macro = try created.int("id")
            let duplicate = try await harness.client.json(.post, "/api/v1/macros", token: token, body: #"{"name":"Where is my order","body":"x"}"#)
            #expect(duplicate.status == .conflict)
            let broken = try await harness.client.json(.post, "/api/v1/macros", token: token, body: #"{"name":"Broken","body":"Hi {{customer.first_name"}"#)
            #expect(broken.status == .unprocessableContent)
            #expect(broken.detail.contains("Line 1"))
            let english = try await harness.inbound(email: "marta@example.com", text: "Where is my order #1234? It is late").int("conversation_id")
            let preview = try await harness.client.json(.post, "/api/v1/conversations/\(english)/macros/\(macro)/preview", token: token)
            #expect(preview.status == .ok)
            #expect(try preview.string("text").hasPrefix("Hi Marta, "))
            #expect(((preview.body as? [String: Any])?["warnings"] as? [String]) == ["No value for customer.phone"])
            let portuguese = try await harness.inbound(email: "joao@example.com.br", text: "Olá, onde está o meu pedido? Ainda não chegou").int("conversation_id")
            let pt = try await harness.client.json(.post, "/api/v1/conversations/\(portuguese)/macros/\(macro)/preview", token: token)
            #expect(try pt.string("text") == "Olá Marta! Seu pedido está a caminho.")
            #expect(try pt.string("language") == "pt")

            let applied = try await harness.client.json(.post, "/api/v1/conversations/\(english)/macros/\(macro)/apply", token: token,
                                                        body: #"{"text":"Edited by the agent"}"#)
            #expect(applied.status == .ok)
            #expect(try applied.object("conversation").string("status") == "pending")
            #expect(try applied.object("message").string("text") == "Edited by the agent")
            #expect(try applied.object("message").string("delivery_status") == "queued")
            #expect(try await timelineKinds(harness, english).contains("macro.applied"))
            let listed = try await harness.client.json(.get, "/api/v1/macros?q=order", token: token).items
            #expect(listed.first?["usage_count"] as? Int == 1)
            #expect(try await harness.client.json(.get, "/api/v1/macros?q=refund", token: token).items.isEmpty)
            let viewer = try await harness.agent(role: .viewer)
            let refused = try await harness.client.json(.post, "/api/v1/conversations/\(english)/macros/\(macro)/apply", token: viewer.token,
                                                        body: "{}")
            #expect(refused.status == .forbidden)
        }
    }

    @Test("a rule replies with a macro; notify respects business hours")
    func autoReplyAndNotifications() async throws {
        try await Harness.run(.sqlite) { harness in
            let token = harness.ownerToken
            let macro = try await harness.client.json(.post, "/api/v1/macros", token: token,
                                                      body: #"{"name":"Ack","body":"Thanks {{customer.first_name}}, we got it."}"#).int("id")
            let hours = try await harness.client.json(.put, "/api/v1/business-hours", token: token, body: #"""
                {"calendar":{"time_zone":"UTC","weekly":{"mon":"00:00-00:01"},"holidays":[]}}
                """#)
            #expect(hours.status == .ok)
            let badHours = try await harness.client.json(.put, "/api/v1/business-hours", token: token,
                                                         body: #"{"calendar":{"time_zone":"Mars/Base","weekly":null,"holidays":[]}}"#)
            #expect(badHours.status == .unprocessableContent)
            _ = try await harness.client.json(.post, "/api/v1/rules", token: token, body: #"""
                {"name":"Acknowledge","triggers":["conversation.created"],
                 "actions":[{"type":"reply_with_macro","macro_id":\#(macro)},{"type":"notify","audience":"all","message":"New!"}]}
                """#)
            let id = try await harness.inbound().int("conversation_id")
            let messages = try await harness.client.json(.get, "/api/v1/conversations/\(id)/messages", token: token).items
            #expect(messages.contains { $0["direction"] as? String == "outbound" && $0["text"] as? String == "Thanks Marta, we got it." })
            let timeline = try await harness.client.json(.get, "/api/v1/conversations/\(id)/timeline", token: token).items
            let fired = timeline.first { $0["kind"] as? String == "rule.fired" }?["payload"] as? [String: Any]
            let skipped = fired?["skipped"] as? [[String: Any]]
            #expect(skipped?.first?["reason"] as? String == "Outside business hours.")
            #expect(!timeline.contains { $0["kind"] as? String == "agents.notified" })
            #expect(try await harness.runJobs() >= 1)
            let sent = try await harness.client.json(.get, "/api/v1/conversations/\(id)/messages", token: token).items
            #expect(sent.contains { $0["direction"] as? String == "outbound" && $0["delivery_status"] as? String == "sent" })
        }
    }
}

@Suite("Time-based rules and read-only history")
struct TimeRuleTests {
    @Test("pending conversations without a customer reply are resolved with a message after the time passes, once",
          arguments: TestDatabase.kinds)
    func autoResolvePending(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let token = harness.ownerToken
            let macro = try await harness.client.json(.post, "/api/v1/macros", token: token, body: #"""
                {"name":"Closing","body":"We haven't heard back, so we're closing this. Just reply to reopen it, {{customer.first_name}}."}
                """#).int("id")
            let missingTime = try await harness.client.json(.post, "/api/v1/rules", token: token, body: #"""
                {"name":"x","triggers":["time"],"conditions":{"field":"status","op":"is","value":"pending"},"actions":[{"type":"set_status","status":"resolved"}]}
                """#)
            #expect(missingTime.status == .unprocessableContent)
            let rule = try await harness.client.json(.post, "/api/v1/rules", token: token, body: #"""
                {"name":"Close quiet pending","triggers":["time"],
                 "conditions":{"all":[{"field":"status","op":"is","value":"pending"},{"field":"last_message_from","op":"is","value":"agent"},
                                      {"field":"hours_since_last_message","op":"gte","value":72}]},
                 "actions":[{"type":"reply_with_macro","macro_id":\#(macro)},{"type":"set_status","status":"resolved"}]}
                """#)
            #expect(rule.status == .created)
            let quiet = try await harness.inbound(email: "quiet@example.com", text: "Where is it?").int("conversation_id")
            let talking = try await harness.inbound(email: "talk@example.com", text: "Where is mine?").int("conversation_id")
            for id in [quiet, talking] {
                _ = try await harness.client.json(.post, "/api/v1/conversations/\(id)/messages", token: token, body: #"{"text":"Shipped today!"}"#)
                _ = try await harness.client.json(.patch, "/api/v1/conversations/\(id)", token: token, body: #"{"status":"pending"}"#)
            }
            _ = try await harness.inbound(email: "talk@example.com", text: "Thanks, and the invoice?")
            // Not yet: a day later nothing happens.
            _ = try await harness.runJobs(at: Date().addingTimeInterval(24 * 3600))
            #expect(try await harness.client.json(.get, "/api/v1/conversations/\(quiet)", token: token).string("status") == "pending")
            // Three days later the quiet one is closed with the message; the one where the customer wrote last is not.
            _ = try await harness.runJobs(at: Date().addingTimeInterval(73 * 3600))
            #expect(try await harness.client.json(.get, "/api/v1/conversations/\(quiet)", token: token).string("status") == "resolved")
            #expect(try await harness.client.json(.get, "/api/v1/conversations/\(talking)", token: token).string("status") == "open")
            let messages = try await harness.client.json(.get, "/api/v1/conversations/\(quiet)/messages", token: token).items
            #expect(messages.filter { ($0["text"] as? String)?.hasPrefix("We haven't heard back") == true }.count == 1)
            // The next sweep does not fire again on the same conversation.
            _ = try await harness.runJobs(at: Date().addingTimeInterval(80 * 3600))
            let again = try await harness.client.json(.get, "/api/v1/conversations/\(quiet)/messages", token: token).items
            #expect(again.count == messages.count)
        }
    }

    @Test("resolved conversations become read-only history; a customer's reply to one starts a new conversation",
          arguments: TestDatabase.kinds)
    func readOnlyHistory(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let token = harness.ownerToken
            #expect(try await harness.client.json(.put, "/api/v1/history-lock", token: token, body: #"{"locked_after_days":0}"#).status
                    == .unprocessableContent)
            _ = try await harness.client.json(.put, "/api/v1/history-lock", token: token, body: #"{"locked_after_days":30}"#)
            let id = try await harness.inbound(email: "old@example.com", text: "Hello", externalID: "first").int("conversation_id")
            _ = try await harness.client.json(.patch, "/api/v1/conversations/\(id)", token: token, body: #"{"status":"resolved"}"#)
            // Pretend it was resolved 31 days ago.
            try await harness.database.write { sql in
                try await sql.raw("UPDATE conversations SET resolved_at = \(bind: Timestamps.millis(Date().addingTimeInterval(-31 * 86_400))) WHERE id = \(bind: id)").run()
            }
            let reopen = try await harness.client.json(.patch, "/api/v1/conversations/\(id)", token: token, body: #"{"status":"open"}"#)
            #expect(reopen.status == .conflict)
            #expect(reopen.detail.contains("read-only history"))
            let reply = try await harness.client.json(.post, "/api/v1/conversations/\(id)/messages", token: token, body: #"{"text":"hi"}"#)
            #expect(reply.status == .conflict)
            let body = #"{"customer":{"email":"old@example.com"},"text":"About that old order","conversation_id":\#(id)}"#
            let answer = try await harness.client.json(.post, "/api/v1/inboxes/\(harness.inboxID)/messages",
                                                       headers: ["X-Inbox-Token": harness.inboxToken], body: body)
            #expect(try answer.int("conversation_id") != id)
        }
    }
}
