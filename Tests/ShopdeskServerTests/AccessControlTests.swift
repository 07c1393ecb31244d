import Foundation
import HTTPTypes
import HummingbirdTesting
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

@Suite("Roles and workspace isolation")
struct AccessControlTests {
    @Test(arguments: TestDatabase.kinds)
    func viewerCannotChangeAndTheRefusalChangesNothing(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let conversation = try await harness.inbound().int("conversation_id")
            let viewer = try await harness.agent(role: .viewer)
            _ = try await harness.client.json(.put, "/api/v1/inboxes/\(harness.inboxID)/members", token: harness.ownerToken,
                                              body: #"{"member_ids":[\#(harness.owner.id),\#(viewer.id)]}"#)
            #expect(try await harness.client.json(.get, "/api/v1/conversations/\(conversation)", token: viewer.token).status == .ok)
            let patch = try await harness.client.json(.patch, "/api/v1/conversations/\(conversation)", token: viewer.token,
                                                      body: #"{"status":"resolved"}"#)
            #expect(patch.status == .forbidden)
            let reply = try await harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: viewer.token,
                                                      body: #"{"text":"hi"}"#)
            #expect(reply.status == .forbidden)
            let after = try await harness.client.json(.get, "/api/v1/conversations/\(conversation)", token: harness.ownerToken)
            #expect(try after.string("status") == "open")
            #expect(try after.int("message_count") == 1)
        }
    }

    @Test func agentsCannotAdministerAndOnlyOwnersMakeOwners() async throws {
        try await Harness.run(.sqlite) { harness in
            let agent = try await harness.agent(role: .agent)
            let admin = try await harness.agent(role: .admin)
            #expect(try await harness.client.json(.post, "/api/v1/inboxes", token: agent.token, body: #"{"name":"X"}"#).status == .forbidden)
            #expect(try await harness.client.json(.post, "/api/v1/webhooks", token: agent.token,
                                                  body: #"{"url":"https://example.com","events":["*"]}"#).status == .forbidden)
            let promote = try await harness.client.json(.patch, "/api/v1/agents/\(agent.id)", token: admin.token, body: #"{"role":"owner"}"#)
            #expect(promote.status == .forbidden)
            let selfPromote = try await harness.client.json(.patch, "/api/v1/agents/\(admin.id)", token: admin.token, body: #"{"role":"owner"}"#)
            #expect(selfPromote.status == .forbidden)
            let fine = try await harness.client.json(.patch, "/api/v1/agents/\(agent.id)", token: admin.token, body: #"{"role":"admin"}"#)
            #expect(fine.status == .ok)
        }
    }

    @Test func fieldsAUserMayNotSetAreIgnored() async throws {
        try await Harness.run(.sqlite) { harness in
            let created = try await harness.client.json(.post, "/api/v1/customers", token: harness.ownerToken,
                                                        body: #"{"email":"x@example.com","workspace_id":999,"id":5000,"created_at":"2001-01-01T00:00:00Z"}"#)
            #expect(created.status == .created)
            #expect(try created.int("id") != 5000)
            #expect(try !created.string("created_at").hasPrefix("2001"))
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func anotherWorkspacesIdsAreNotFound(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let conversation = try await harness.inbound().int("conversation_id")
            let customer = try await harness.client.json(.get, "/api/v1/conversations/\(conversation)", token: harness.ownerToken).int("customer_id")
            // A second workspace with its own owner.
            let hash = try await PasswordHasher(cost: 4).hash(Harness.password)
            let (stranger, _) = try await Provisioning.createOwner(database: harness.database, workspace: "Other", timeZone: "UTC",
                                                                   email: "stranger@example.org", name: "S", passwordHash: hash)
            let token = try await Provisioning.createToken(database: harness.database, agent: stranger, name: "t")
            for path in ["/api/v1/conversations/\(conversation)", "/api/v1/conversations/\(conversation)/messages",
                         "/api/v1/conversations/\(conversation)/timeline", "/api/v1/customers/\(customer)",
                         "/api/v1/inboxes/\(harness.inboxID)", "/api/v1/agents/\(harness.owner.id)"] {
                let response = try await harness.client.json(.get, path, token: token)
                #expect(response.status == .notFound, "\(path)")
            }
            let patch = try await harness.client.json(.patch, "/api/v1/conversations/\(conversation)", token: token, body: #"{"status":"resolved"}"#)
            #expect(patch.status == .notFound)
            let post = try await harness.client.json(.post, "/api/v1/inboxes/\(harness.inboxID)/messages", token: token,
                                                     body: #"{"customer":{"email":"a@example.com"},"text":"x"}"#)
            #expect(post.status == .notFound)
            let list = try await harness.client.json(.get, "/api/v1/conversations", token: token)
            #expect(list.items.isEmpty)
            let search = try await harness.client.json(.get, "/api/v1/search?q=order", token: token)
            #expect(search.items.isEmpty)
        }
    }

    @Test func agentsSeeOnlyTheirInboxes() async throws {
        try await Harness.run(.sqlite) { harness in
            let conversation = try await harness.inbound().int("conversation_id")
            let outsider = try await harness.agent(role: .agent)
            #expect(try await harness.client.json(.get, "/api/v1/conversations/\(conversation)", token: outsider.token).status == .notFound)
            #expect(try await harness.client.json(.get, "/api/v1/conversations", token: outsider.token).items.isEmpty)
            _ = try await harness.client.json(.put, "/api/v1/inboxes/\(harness.inboxID)/members", token: harness.ownerToken,
                                              body: #"{"member_ids":[\#(outsider.id)]}"#)
            #expect(try await harness.client.json(.get, "/api/v1/conversations/\(conversation)", token: outsider.token).status == .ok)
        }
    }

    @Test func nestedReferencesAreAuthorized() async throws {
        try await Harness.run(.sqlite) { harness in
            let conversation = try await harness.inbound().int("conversation_id")
            let assignForeign = try await harness.client.json(.patch, "/api/v1/conversations/\(conversation)", token: harness.ownerToken,
                                                              body: #"{"assignee_id":987654}"#)
            #expect(assignForeign.status == .unprocessableContent)
            let foreignAttachment = try await harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages",
                                                                  token: harness.ownerToken, body: #"{"text":"see file","attachment_ids":[424242]}"#)
            #expect(foreignAttachment.status == .notFound)
            let mergeForeign = try await harness.client.json(.post, "/api/v1/conversations/\(conversation)/merge", token: harness.ownerToken,
                                                             body: #"{"into":987654}"#)
            #expect(mergeForeign.status == .notFound)
        }
    }
}
