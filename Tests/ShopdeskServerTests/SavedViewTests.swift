import Foundation
import HTTPTypes
import HummingbirdTesting
import ShopdeskCore
@testable import ShopdeskServer
@testable import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// The list's filters in any combination, and saved views of them: an agent's own or shared by an
/// admin, with counts, "me" meaning whoever looks, and nothing of another agent's or workspace's.
@Suite("Saved views")
struct SavedViewTests {
    static func ids(_ harness: Harness, _ query: String, token: String? = nil) async throws -> Set<Int64> {
        let page = try await harness.client.json(.get, "/api/v1/conversations?\(query)", token: token ?? harness.ownerToken)
        guard page.status == .ok else { throw HarnessError("\(query): \(page.text)") }
        return Set(page.items.compactMap { ($0["id"] as? NSNumber)?.int64Value })
    }

    @Test(arguments: TestDatabase.kinds)
    func filtersCombineAndAViewKeepsThem(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let token = harness.ownerToken
            let agent = try await harness.agent(role: .agent)
            _ = try await harness.client.json(.put, "/api/v1/inboxes/\(harness.inboxID)/members", token: token,
                                              body: #"{"member_ids":[\#(agent.id)]}"#)
            let first = try await harness.inbound(email: "ana@example.com", text: "Where is my parcel?")
            let second = try await harness.inbound(email: "ivo@example.com", text: "I want to return the shoes")
            let third = try await harness.inbound(email: "olga@example.com", text: "Thanks, all good")
            let (a, b, c) = (try first.int("conversation_id"), try second.int("conversation_id"), try third.int("conversation_id"))
            _ = try await harness.client.json(.patch, "/api/v1/conversations/\(a)", token: token,
                                              body: #"{"priority":"high","tags":["late, again","vip"],"assignee_id":\#(agent.id)}"#)
            _ = try await harness.client.json(.patch, "/api/v1/conversations/\(b)", token: token, body: #"{"priority":"urgent","status":"pending"}"#)
            _ = try await harness.client.json(.patch, "/api/v1/customers/\(try second.int("customer_id"))", token: token,
                                              body: #"{"tags":["wholesale"],"vip":true}"#)

            #expect(try await Self.ids(harness, "status=open,pending") == [a, b, c])
            #expect(try await Self.ids(harness, "priority=high,urgent&status=open") == [a])
            #expect(try await Self.ids(harness, "tag=late,%20again") == [a], "a tag with a comma is one value")
            #expect(try await Self.ids(harness, "tag=vip&tag=nothing") == [a])
            #expect(try await Self.ids(harness, "assignee=\(agent.id),none&status=pending") == [b])
            #expect(try await Self.ids(harness, "assignee=me", token: agent.token) == [a])
            #expect(try await Self.ids(harness, "channel=api&customer_tag=wholesale") == [b])
            #expect(try await Self.ids(harness, "vip=true") == [b])
            #expect(try await Self.ids(harness, "vip=false") == [a, c])
            #expect(try await Self.ids(harness, "channel=email").isEmpty)
            #expect(try await Self.ids(harness, "sla=none") == [a, b, c])
            let unknown = try await harness.client.json(.get, "/api/v1/conversations?channel=fax", token: token)
            #expect(unknown.status == .badRequest && (try? unknown.string("field")) == "channel", "\(unknown.text)")

            // Saved: a personal view of the agent's open work, and a shared one of urgent questions.
            let mine = try await harness.client.json(.post, "/api/v1/views", token: agent.token,
                                                     body: #"{"name":" My open ","filters":{"status":["open"],"assignee":"me"},"sort":"oldest"}"#)
            #expect(mine.status == .created && (try? mine.string("name")) == "My open", "\(mine.text)")
            let mineID = try mine.int("id")
            let refused = try await harness.client.json(.post, "/api/v1/views", token: agent.token,
                                                        body: #"{"name":"Team","filters":{"status":"open"},"shared":true}"#)
            #expect(refused.status == .forbidden, "only an admin shares a view")
            let shared = try await harness.client.json(.post, "/api/v1/views", token: token,
                                                       body: #"{"name":"Urgent and wholesale","filters":{"priority":["urgent"],"customer_tag":["wholesale"]},"shared":true,"layout":"board"}"#)
            #expect(shared.status == .created, "\(shared.text)")
            #expect(try shared.object("filters").object("customer_tag").body as? [String] == ["wholesale"], "\(shared.text)")
            let sharedID = try shared.int("id")

            let agentViews = try await harness.client.json(.get, "/api/v1/views", token: agent.token).items
            #expect(agentViews.map { $0["name"] as? String } == ["Urgent and wholesale", "My open"])
            #expect(agentViews.map { $0["editable"] as? Bool } == [false, true])
            #expect(try await harness.client.json(.get, "/api/v1/views", token: token).items.map { $0["id"] as? Int } == [Int(sharedID)],
                    "another agent's own view stays theirs")
            #expect(try await Self.ids(harness, "saved_view=\(mineID)", token: agent.token) == [a])
            #expect(try await Self.ids(harness, "saved_view=\(sharedID)") == [b])
            #expect(try await Self.ids(harness, "saved_view=\(sharedID)&status=open").isEmpty, "the query narrows a view further")
            let notTheirs = try await harness.client.json(.get, "/api/v1/conversations?saved_view=\(mineID)", token: token)
            #expect(notTheirs.status == .notFound)

            let counts = try await harness.client.json(.get, "/api/v1/views/counts", token: agent.token).object("counts")
            #expect(try counts.int(String(mineID)) == 1 && (try counts.int(String(sharedID))) == 1, "\(counts.text)")

            // Changed, refused in words, deleted.
            let renamed = try await harness.client.json(.patch, "/api/v1/views/\(mineID)", token: agent.token,
                                                        body: #"{"name":"Mine, all","filters":{"assignee":["me"]}}"#)
            #expect(renamed.status == .ok && (try? renamed.string("name")) == "Mine, all", "\(renamed.text)")
            let emptyName = try await harness.client.json(.patch, "/api/v1/views/\(mineID)", token: agent.token, body: #"{"name":"  "}"#)
            #expect(emptyName.status == .unprocessableContent && (try? emptyName.string("code")) == "view_name_missing", "\(emptyName.text)")
            let badFilter = try await harness.client.json(.post, "/api/v1/views", token: agent.token,
                                                          body: #"{"name":"x","filters":{"colour":["red"]}}"#)
            #expect(badFilter.status == .unprocessableContent && (try? badFilter.string("field")) == "colour", "\(badFilter.text)")
            let notAdmin = try await harness.client.json(.delete, "/api/v1/views/\(sharedID)", token: agent.token)
            #expect(notAdmin.status == .forbidden)
            #expect(try await harness.client.json(.delete, "/api/v1/views/\(mineID)", token: agent.token).status == .noContent)
            #expect(try await harness.client.json(.get, "/api/v1/views", token: agent.token).items.count == 1)
        }
    }

    @Test func anotherWorkspaceCannotReadChangeOrUseAView() async throws {
        try await Harness.run(.sqlite) { harness in
            _ = try await harness.inbound()
            let view = try await harness.client.json(.post, "/api/v1/views", token: harness.ownerToken,
                                                     body: #"{"name":"Everything open","filters":{"status":["open"]},"shared":true}"#)
            let id = try view.int("id")
            let stranger = try await harness.stranger()
            #expect(try await harness.client.json(.get, "/api/v1/views", token: stranger.token).items.isEmpty)
            #expect(try await harness.client.json(.get, "/api/v1/conversations?saved_view=\(id)", token: stranger.token).status == .notFound)
            #expect(try await harness.client.json(.patch, "/api/v1/views/\(id)", token: stranger.token, body: #"{"name":"Mine now"}"#).status == .notFound)
            #expect(try await harness.client.json(.delete, "/api/v1/views/\(id)", token: stranger.token).status == .notFound)
            #expect(try await harness.client.json(.get, "/api/v1/views", token: harness.ownerToken).items.first?["name"] as? String == "Everything open")
        }
    }
}

/// The counters and the rows agree on every filter the counters can answer.
@Suite("Saved view counts from the counters")
struct SavedViewCounterTests {
    @Test(arguments: TestDatabase.kinds)
    func countersAndRowsAgree(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let token = harness.ownerToken
            var ids: [Int64] = []
            for index in 0..<6 { ids.append(try await harness.inbound(email: "c\(index)@example.com", text: "Question \(index)").int("conversation_id")) }
            _ = try await harness.client.json(.patch, "/api/v1/conversations/\(ids[0])", token: token, body: #"{"assignee_id":\#(harness.owner.id.rawValue)}"#)
            _ = try await harness.client.json(.patch, "/api/v1/conversations/\(ids[1])", token: token, body: #"{"status":"pending"}"#)
            _ = try await harness.client.json(.patch, "/api/v1/conversations/\(ids[2])", token: token, body: #"{"status":"resolved"}"#)
            _ = try await harness.client.json(.post, "/api/v1/conversations/\(ids[3])/merge", token: token, body: #"{"into":\#(ids[4])}"#)
            let me = harness.owner.id
            let written: [[String: [String]]] = [
                [:], ["status": ["open"]], ["status": ["open"], "assignee": ["me"]], ["assignee": ["none"]],
                ["status": ["open", "pending"], "inbox": [String(harness.inboxID)]], ["status": ["resolved"], "assignee": ["me", "none"]],
            ]
            for fields in written {
                let filter = try ConversationFilter(fields: fields, me: me)
                let (fast, slow) = try await harness.database.read { sql in
                    let fast = try await ConversationRepository.countFromCounters(workspaceID: harness.workspaceID, filter: filter, in: sql)
                    let slow = try await ConversationRepository.countRows(workspaceID: harness.workspaceID, filter: filter, cap: 1000, in: sql)
                    return (fast, slow)
                }
                #expect(fast != nil && fast == slow, "\(fields): counters \(String(describing: fast)), rows \(slow)")
            }
            let tagged = try ConversationFilter(fields: ["tag": ["vip"]], me: me)
            #expect(try await harness.database.read {
                try await ConversationRepository.countFromCounters(workspaceID: harness.workspaceID, filter: tagged, in: $0)
            } == nil, "a tag is not in the counters")
        }
    }
}
