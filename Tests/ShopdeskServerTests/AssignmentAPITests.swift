import Foundation
import HTTPTypes
import HummingbirdTesting
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

@Suite("Automatic assignment over the API")
struct AssignmentAPITests {
    /// Two agents who work the test inbox, connected now.
    func twoAgents(_ harness: Harness) async throws -> (AgentID, AgentID) {
        let first = AgentID(try await harness.agent(role: .agent).id)
        let second = AgentID(try await harness.agent(role: .agent).id)
        try await harness.database.write { sql in
            try await InboxRepository.setMembers(of: InboxID(harness.inboxID), workspaceID: harness.workspaceID, to: [first, second], in: sql)
            try await AgentPresenceRepository.touch([first, second], workspaceID: harness.workspaceID, at: Date(), in: sql)
        }
        return (first, second)
    }

    func assignee(_ harness: Harness, _ id: Int64) async throws -> Int64? {
        let body = try await harness.client.json(.get, "/api/v1/conversations/\(id)", token: harness.ownerToken).body as? [String: Any]
        return (body?["assignee_id"] as? NSNumber)?.int64Value
    }

    @Test("round robin among online agents; an agent who is away is skipped", arguments: TestDatabase.kinds)
    func roundRobin(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let (first, second) = try await twoAgents(harness)
            let token = harness.ownerToken
            let set = try await harness.client.json(.put, "/api/v1/inboxes/\(harness.inboxID)/assignment", token: token,
                                                    body: #"{"policy":{"mode":"round_robin"}}"#)
            #expect(set.status == .ok)
            var picks: [Int64?] = []
            for index in 0..<4 {
                let id = try await harness.inbound(email: "rr\(index)@example.com", text: "Hello \(index)").int("conversation_id")
                picks.append(try await assignee(harness, id))
            }
            #expect(picks == [first.rawValue, second.rawValue, first.rawValue, second.rawValue])
            try await harness.database.write { try await AssignmentRepository.setAway(first, workspaceID: harness.workspaceID, away: true, now: Date(), in: $0) }
            let later = try await harness.inbound(email: "rr9@example.com", text: "Anyone?").int("conversation_id")
            #expect(try await assignee(harness, later) == second.rawValue)
            let availability = try await harness.client.json(.get, "/api/v1/availability", token: token).items
            #expect(availability.first { ($0["agent_id"] as? NSNumber)?.int64Value == first.rawValue }?["away"] as? Bool == true)
        }
    }

    @Test("least loaded within capacity; nobody with room leaves it unassigned")
    func leastLoaded() async throws {
        try await Harness.run(.sqlite) { harness in
            let (first, second) = try await twoAgents(harness)
            let token = harness.ownerToken
            _ = try await harness.client.json(.put, "/api/v1/inboxes/\(harness.inboxID)/assignment", token: token,
                                              body: #"{"policy":{"mode":"least_loaded"}}"#)
            let busy = try await harness.inbound(email: "busy@example.com").int("conversation_id")
            _ = try await harness.client.json(.patch, "/api/v1/conversations/\(busy)", token: token, body: #"{"assignee_id":\#(first.rawValue)}"#)
            let next = try await harness.inbound(email: "next@example.com").int("conversation_id")
            #expect(try await assignee(harness, next) == second.rawValue)
            for agent in [first, second] {
                #expect(try await harness.client.json(.put, "/api/v1/agents/\(agent.rawValue)/capacity", token: token,
                                                      body: #"{"capacity":1}"#).status == .noContent)
            }
            let waiting = try await harness.inbound(email: "wait@example.com").int("conversation_id")
            #expect(try await assignee(harness, waiting) == nil)
        }
    }

    @Test("an offline agent's open conversations go to a colleague; a rule assigns by a team's policy", arguments: TestDatabase.kinds)
    func reassignmentAndRules(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let (first, second) = try await twoAgents(harness)
            let token = harness.ownerToken
            _ = try await harness.client.json(.put, "/api/v1/inboxes/\(harness.inboxID)/assignment", token: token,
                                              body: #"{"policy":{"mode":"round_robin","reassign_when_offline":true}}"#)
            let id = try await harness.inbound(email: "left@example.com").int("conversation_id")
            #expect(try await assignee(harness, id) == first.rawValue)
            // The first agent closes the app; ten minutes later the sweep hands the conversation over.
            let later = Date().addingTimeInterval(10 * 60)
            try await harness.database.write { try await AgentPresenceRepository.touch([second], workspaceID: harness.workspaceID, at: later, in: $0) }
            _ = try await harness.runJobs(at: later)
            #expect(try await assignee(harness, id) == second.rawValue)

            let team = try await harness.client.json(.post, "/api/v1/teams", token: token,
                                                     body: #"{"name":"Returns","member_ids":[\#(first.rawValue)]}"#).int("id")
            try await harness.database.write { try await AgentPresenceRepository.touch([first], workspaceID: harness.workspaceID, at: Date(), in: $0) }
            _ = try await harness.client.json(.put, "/api/v1/teams/\(team)/assignment", token: token, body: #"{"policy":{"mode":"least_loaded"}}"#)
            _ = try await harness.client.json(.post, "/api/v1/rules", token: token, body: #"""
                {"name":"Returns team","triggers":["message.inbound"],"conditions":{"field":"message.text","op":"contains","value":"return"},
                 "actions":[{"type":"assign_team","team_id":\#(team)},{"type":"assign_by_policy"}]}
                """#)
            let returning = try await harness.inbound(email: "ret@example.com", text: "I want to return the shoes").int("conversation_id")
            #expect(try await assignee(harness, returning) == first.rawValue)
        }
    }
}

@Suite("Customer labels in rules and SLA")
struct CustomerLabelTests {
    @Test("VIP customers and customer tags steer rules and SLA policies", arguments: TestDatabase.kinds)
    func vipAndTags(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let token = harness.ownerToken
            let first = try await harness.inbound(email: "vip@example.com", text: "Hello")
            let customer = try first.int("customer_id")
            let labelled = try await harness.client.json(.patch, "/api/v1/customers/\(customer)", token: token,
                                                         body: #"{"vip":true,"tags":["Wholesale"," wholesale "]}"#)
            #expect(labelled.status == .ok)
            #expect((labelled.body as? [String: Any])?["tags"] as? [String] == ["wholesale"])
            #expect((labelled.body as? [String: Any])?["vip"] as? Bool == true)
            _ = try await harness.client.json(.post, "/api/v1/rules", token: token, body: #"""
                {"name":"VIPs first","triggers":["message.inbound"],
                 "conditions":{"any":[{"field":"customer.vip","op":"is","value":true},{"field":"customer.tags","op":"includes","value":"wholesale"}]},
                 "actions":[{"type":"set_priority","priority":"high"}]}
                """#)
            _ = try await harness.client.json(.post, "/api/v1/sla-policies", token: token, body: #"""
                {"name":"VIP","conditions":{"field":"customer.vip","op":"is","value":true},"first_response_minutes":10,"business_hours":false}
                """#)
            let again = try await harness.inbound(email: "vip@example.com", text: "Any news?").int("conversation_id")
            let conversation = try await harness.client.json(.get, "/api/v1/conversations/\(again)", token: token)
            #expect(try conversation.string("priority") == "high")
            #expect((conversation.body as? [String: Any])?["sla_due_at"] is String)
            let other = try await harness.inbound(email: "plain@example.com", text: "Hi").int("conversation_id")
            let plain = try await harness.client.json(.get, "/api/v1/conversations/\(other)", token: token)
            #expect(try plain.string("priority") == "normal")
            #expect((plain.body as? [String: Any])?["sla_due_at"] == nil)
            // Taking the VIP flag away keeps the tags.
            let unflagged = try await harness.client.json(.patch, "/api/v1/customers/\(customer)", token: token, body: #"{"vip":false}"#)
            #expect((unflagged.body as? [String: Any])?["tags"] as? [String] == ["wholesale"])
            #expect((unflagged.body as? [String: Any])?["vip"] as? Bool == false)
        }
    }
}
