import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import NIOCore
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// A chat inbox made over the API, and calls as its widget makes them.
struct ChatFixture {
    let harness: Harness
    let inboxID: Int64
    let key: String
    let secret: String

    static func make(_ harness: Harness, chat: String = ##"{"greeting":"Hi there","color":"#aa3300"}"##) async throws -> ChatFixture {
        let created = try await harness.client.json(.post, "/api/v1/inboxes", token: harness.ownerToken,
                                                    body: #"{"name":"Site chat","kind":"chat","chat":\#(chat)}"#)
        guard created.status == .created else { throw HarnessError("Creating a chat inbox: \(created.text)") }
        let inbox = try created.object("inbox")
        return ChatFixture(harness: harness, inboxID: try inbox.int("id"), key: try inbox.string("widget_key"), secret: try created.string("token"))
    }

    func session(_ body: String = "{}") async throws -> JSONResponse {
        try await harness.client.json(.post, "/api/v1/widget/\(key)/sessions", headers: ["Origin": "https://shop.example"], body: body)
    }

    func visitorToken(_ body: String = #"{"page":{"url":"https://shop.example/shoes","title":"Shoes"}}"#) async throws -> String {
        try await session(body).string("token")
    }

    func send(_ token: String, _ text: String, clientID: String = UUID().uuidString, attachments: [Int64] = []) async throws -> JSONResponse {
        try await harness.client.json(.post, "/api/v1/widget/messages", headers: ["X-Visitor-Token": token],
                                      body: #"{"client_id":"\#(clientID)","text":"\#(text)","attachment_ids":\#(attachments)}"#)
    }

    func messages(_ token: String) async throws -> [[String: Any]] {
        let answer = try await harness.client.json(.get, "/api/v1/widget/messages", headers: ["X-Visitor-Token": token])
        return ((answer.body as? [String: Any])?["messages"] as? [[String: Any]]) ?? []
    }

    func sign(_ identifier: String) -> String {
        Secrets.hex(HMAC<SHA256>.authenticationCode(for: Data(identifier.utf8), using: SymmetricKey(data: Data(secret.utf8))))
    }
}

@Suite("Chat widget")
struct ChatWidgetTests {
    @Test(arguments: TestDatabase.kinds)
    func aVisitorAndAnAgentTalk(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let chat = try await ChatFixture.make(harness)
            let config = try await harness.client.json(.get, "/api/v1/widget/\(chat.key)")
            #expect(try config.string("greeting") == "Hi there")
            #expect(try config.string("color") == "#aa3300")
            #expect(config.headers[HTTPField.Name("Access-Control-Allow-Origin")!] == "*")

            let token = try await chat.visitorToken()
            let first = try await chat.send(token, "Hello, is my order shipped?", clientID: "c-1")
            #expect(first.status == .created)
            let conversationID = try first.int("conversation_id")
            // The widget resends after a lost answer: the same message, not a second one.
            let again = try await chat.send(token, "Hello, is my order shipped?", clientID: "c-1")
            #expect(again.status == .ok)
            #expect(try again.object("message").int("id") == first.object("message").int("id"))

            let conversation = try await harness.client.json(.get, "/api/v1/conversations/\(conversationID)", token: harness.ownerToken)
            #expect(try conversation.int("inbox_id") == chat.inboxID)
            #expect(try conversation.int("message_count") == 1)

            _ = try await harness.client.json(.post, "/api/v1/conversations/\(conversationID)/messages", token: harness.ownerToken,
                                              body: #"{"text":"Yes, it left today."}"#)
            _ = try await harness.client.json(.post, "/api/v1/conversations/\(conversationID)/messages", token: harness.ownerToken,
                                              body: #"{"text":"SECRET note: customer is on the fraud list","private":true}"#)
            _ = try await harness.runJobs()
            let seen = try await chat.messages(token)
            #expect(seen.map { $0["text"] as? String } == ["Hello, is my order shipped?", "Yes, it left today."])
            #expect(seen.map { $0["from"] as? String } == ["visitor", "agent"])
            #expect(seen[0]["client_id"] as? String == "c-1")
            #expect(seen[1]["status"] as? String == "sent")
            #expect(!seen.contains { ($0["text"] as? String)?.contains("SECRET") == true })

            // Reading marks the reply read for the agent.
            let replyID = try #require(seen[1]["id"] as? NSNumber).int64Value
            let ack = try await harness.client.json(.post, "/api/v1/widget/acknowledge", headers: ["X-Visitor-Token": token],
                                                    body: #"{"message_id":\#(replyID),"status":"read"}"#)
            #expect(ack.status == .noContent)
            let thread = try await harness.client.json(.get, "/api/v1/conversations/\(conversationID)/messages", token: harness.ownerToken)
            #expect(thread.items.first { ($0["id"] as? NSNumber)?.int64Value == replyID }?["delivery_status"] as? String == "read")

            // Agents see where the visitor is.
            let visitor = try await harness.client.json(.get, "/api/v1/conversations/\(conversationID)/visitor", token: harness.ownerToken)
            #expect(try visitor.object("context").string("url") == "https://shop.example/shoes")

            // A resumed session returns the conversation; a made-up token returns nothing.
            let resumed = try await chat.session(#"{"token":"\#(token)"}"#)
            #expect(try resumed.int("conversation_id") == conversationID)
            #expect((resumed.body as? [String: Any])?["token"] == nil)
            let stranger = try await harness.client.json(.get, "/api/v1/widget/messages", headers: ["X-Visitor-Token": "sdv_guess"])
            #expect(stranger.status == .unauthorized)
        }
    }

    @Test func theWidgetScriptIsSmallAndSelfContained() async throws {
        try await Harness.run(.sqlite) { harness in
            try await harness.client.execute(uri: "/widget.js", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.contains("javascript") == true)
                let script = String(buffer: response.body)
                #expect(script.utf8.count <= 40 * 1024, "the widget must stay under 40 KB uncompressed")
                // No third-party code: nothing is loaded from anywhere but this server.
                #expect(!script.contains("import "))
                #expect(!script.contains("https://"))
                #expect(script.contains("attachShadow"))
            }
            // Campaigns come in a second script, loaded only where an inbox has some.
            try await harness.client.execute(uri: "/widget-campaigns.js", method: .get) { response in
                let script = String(buffer: response.body)
                #expect(response.status == .ok && script.contains("pickCampaign") && script.utf8.count <= 20 * 1024)
                #expect(!script.contains("import ") && !script.contains("https://"))
            }
        }
    }

    @Test func scriptsCannotMakeEndlessVisitorsOrFloodMessages() async throws {
        try await Harness.run(.sqlite, configure: { $0.widgetSessionsPerAddress = 3 }) { harness in
            let chat = try await ChatFixture.make(harness)
            var tokens: [String] = []
            for _ in 0..<3 { tokens.append(try await chat.visitorToken()) }
            let refused = try await chat.session()
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] != nil)
            // Resuming an existing session is not a new visitor.
            #expect(try await chat.session(#"{"token":"\#(tokens[0])"}"#).status == .ok)
            for index in 0..<WidgetController.messagesPerMinute {
                #expect(try await chat.send(tokens[0], "message \(index)").status.code < 300)
            }
            let flooded = try await chat.send(tokens[0], "one too many")
            #expect(flooded.status == .tooManyRequests)
            #expect(try await chat.send(tokens[1], "another visitor is fine").status == .created)
        }
    }

    @Test func preflightAllowsTheWidgetsHeaders() async throws {
        try await Harness.run(.sqlite) { harness in
            try await harness.client.execute(uri: "/api/v1/widget/messages", method: .options,
                                             headers: [HTTPField.Name("Origin")!: "https://shop.example"]) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[HTTPField.Name("Access-Control-Allow-Headers")!]?.contains("X-Visitor-Token") == true)
            }
            // The agent API stays same-origin.
            let agentAPI = try await harness.client.json(.get, "/api/v1/inboxes", token: harness.ownerToken)
            #expect(agentAPI.headers[HTTPField.Name("Access-Control-Allow-Origin")!] == nil)
        }
    }

    /// The classic helpdesk hole: a visitor types someone else's email (or shop id) and reads
    /// their conversations. Here a typed email never identifies anyone, an identifier needs the
    /// shop's signature, and a visitor sees only the conversation their own messages started.
    @Test(arguments: TestDatabase.kinds)
    func aVisitorCannotClaimSomeoneElsesIdentity(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let chat = try await ChatFixture.make(harness)
            // Marta is a known customer with a private conversation in the same chat inbox.
            let marta = try await chat.visitorToken(#"{"identifier":"shop-42","identifier_hash":"\#(chat.sign("shop-42"))","email":"marta@example.com"}"#)
            let martasChat = try await chat.send(marta, "My address is 12 Secret Street").int("conversation_id")

            // An attacker types Marta's email and her shop id without a valid signature.
            let attacker = try await chat.visitorToken(#"{"identifier":"shop-42","identifier_hash":"00","email":"marta@example.com"}"#)
            let attackersChat = try await chat.send(attacker, "hi, what is my address?").int("conversation_id")
            #expect(attackersChat != martasChat)
            #expect(try await chat.messages(attacker).map { $0["text"] as? String } == ["hi, what is my address?"])
            let session = try await chat.session(#"{"token":"\#(attacker)"}"#)
            #expect(try session.object("visitor").body.flatMap { ($0 as? [String: Any])?["verified"] as? Bool } == false)

            // Marta on another device, signed correctly, continues her own conversation.
            let martaAgain = try await chat.visitorToken(#"{"identifier":"shop-42","identifier_hash":"\#(chat.sign("shop-42"))"}"#)
            #expect(try await chat.send(martaAgain, "Any news?").int("conversation_id") == martasChat)

            // An agent merges the attacker's conversation into Marta's: the attacker still sees
            // nothing of hers.
            let merged = try await harness.client.json(.post, "/api/v1/conversations/\(attackersChat)/merge", token: harness.ownerToken,
                                                       body: #"{"into":\#(martasChat)}"#)
            #expect(merged.status == .ok)
            #expect(try await chat.messages(attacker).isEmpty)
            #expect((try await chat.session(#"{"token":"\#(attacker)"}"#).body as? [String: Any])?["conversation_id"] == nil)

            // Where the inbox requires verification, a bad signature is refused outright.
            let strict = try await ChatFixture.make(harness, chat: #"{"require_identity":true}"#)
            let refused = try await strict.session(#"{"identifier":"shop-42","identifier_hash":"\#(chat.sign("shop-42"))"}"#)
            #expect(refused.status == .unauthorized)
            #expect(refused.detail.contains("identifier_hash"))
            let accepted = try await strict.session(#"{"identifier":"shop-42","identifier_hash":"\#(strict.sign("shop-42"))"}"#)
            #expect(accepted.status == .ok)

            // A token of one inbox does not open a session in another.
            let crossed = try await strict.session(#"{"token":"\#(marta)"}"#)
            #expect(try crossed.string("token") != marta)
        }
    }

    @Test func visitorsFilesStayWithTheirConversation() async throws {
        try await Harness.run(.sqlite) { harness in
            let chat = try await ChatFixture.make(harness)
            let alice = try await chat.visitorToken()
            let bob = try await chat.visitorToken()
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4]
            let uploaded = try await harness.client.execute(
                uri: "/api/v1/widget/attachments", method: .post,
                headers: [HTTPField.Name("X-Visitor-Token")!: alice, .contentType: "image/png", HTTPField.Name("X-File-Name")!: "broken%20box.png"],
                body: ByteBuffer(bytes: png)) { response in
                    try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any])
                }
            let fileID = try #require(uploaded["id"] as? NSNumber).int64Value
            #expect(uploaded["file_name"] as? String == "broken box.png")
            // Bob can neither attach nor fetch Alice's file.
            #expect(try await chat.send(bob, "mine now", attachments: [fileID]).status == .notFound)
            let bobFetch = try await harness.client.json(.get, "/api/v1/widget/attachments/\(fileID)", headers: ["X-Visitor-Token": bob])
            #expect(bobFetch.status == .notFound)
            let sent = try await chat.send(alice, "The box arrived broken", attachments: [fileID])
            #expect(sent.status == .created)
            #expect((try sent.object("message").body as? [String: Any])?["attachments"].map { ($0 as? [Any])?.count } == 1)
            let fetched = try await harness.client.json(.get, "/api/v1/widget/attachments/\(fileID)", headers: ["X-Visitor-Token": alice])
            #expect(fetched.status == .ok)
            // An agent's upload cannot be claimed by a visitor either.
            let agentFile = try await harness.client.execute(
                uri: "/api/v1/attachments", method: .post,
                headers: [.authorization: "Bearer \(harness.ownerToken)", HTTPField.Name("X-File-Name")!: "label.pdf"],
                body: ByteBuffer(string: "%PDF-1.4")) { response in
                    try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any])
                }
            let agentFileID = try #require(agentFile["id"] as? NSNumber).int64Value
            #expect(try await chat.send(alice, "take this", attachments: [agentFileID]).status == .notFound)
        }
    }

    @Test func settingsAreValidatedAndTellWhenNobodyIsThere() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let bad = try await harness.client.json(.post, "/api/v1/inboxes", token: harness.ownerToken,
                                                    body: #"{"name":"Chat","kind":"chat","chat":{"color":"red"}}"#)
            #expect(bad.status == .unprocessableContent)
            #expect(bad.detail.contains("#2456c8"))
            let hours = try await harness.client.json(.post, "/api/v1/inboxes", token: harness.ownerToken,
                                                      body: #"{"name":"Chat","kind":"chat","chat":{"business_hours":{"mon":"17:00-09:00"}}}"#)
            #expect(hours.status == .unprocessableContent)

            let chat = try await ChatFixture.make(harness)
            #expect(try await harness.client.json(.get, "/api/v1/widget/\(chat.key)").body.flatMap { ($0 as? [String: Any])?["online"] as? Bool } == false)
            // An agent with the app open counts as online.
            let port = try #require(harness.client.port)
            _ = try await RealtimeTests.firstEvent(port: port, token: harness.ownerToken, type: "hello") {}
            #expect(try await harness.client.json(.get, "/api/v1/widget/\(chat.key)").body.flatMap { ($0 as? [String: Any])?["online"] as? Bool } == true)

            let closed = try await harness.client.json(.patch, "/api/v1/inboxes/\(chat.inboxID)", token: harness.ownerToken,
                                                       body: #"{"chat":{"business_hours":{}}}"#)
            #expect(closed.status == .ok)
            #expect(try await harness.client.json(.get, "/api/v1/widget/\(chat.key)").body.flatMap { ($0 as? [String: Any])?["open"] as? Bool } == false)
            #expect(try await harness.client.json(.get, "/api/v1/widget/sdw_nothing").status == .notFound)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func repliesAndTypingReachTheVisitorLiveButNotesNever(kind: DatabaseKind) async throws {
        try await Harness.run(kind, mode: .live) { harness in
            let chat = try await ChatFixture.make(harness)
            let token = try await chat.visitorToken()
            let conversationID = try await chat.send(token, "Are you there?").int("conversation_id")
            let port = try #require(harness.client.port)
            let frames = try await VisitorSocketClient.frames(port: port, token: token, until: "message") {
                _ = try await harness.client.json(.post, "/api/v1/conversations/\(conversationID)/messages", token: harness.ownerToken,
                                                  body: #"{"text":"internal only","private":true}"#)
                _ = try await harness.client.json(.post, "/api/v1/conversations/\(conversationID)/messages", token: harness.ownerToken,
                                                  body: #"{"text":"<script>alert(1)</script> Yes!"}"#)
            }
            let message = try #require(frames.last?["message"] as? [String: Any])
            #expect(message["text"] as? String == "<script>alert(1)</script> Yes!")
            #expect(!frames.contains { String(describing: $0).contains("internal only") })

            // The agent's socket hears the visitor typing.
            let typing = try await RealtimeTests.firstEvent(port: port, token: harness.ownerToken, type: "visitor.typing") {
                try await VisitorSocketClient.send(port: port, token: token, frames: [#"{"type":"typing","state":"typing"}"#])
            }
            #expect(typing["conversation_id"] as? NSNumber == NSNumber(value: conversationID))
        }
    }

    /// The widget's first message starts the conversation; the widget then asks its socket to
    /// watch it and catches up when the server says it listens. Without that answer, a reply
    /// written between the widget's catch-up and the subscription (the bot answers at once)
    /// reached neither and the visitor never saw it.
    @Test func watchIsAnsweredOnceTheSocketListensToTheNewConversation() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let chat = try await ChatFixture.make(harness)
            let token = try await chat.visitorToken()
            let port = try #require(harness.client.port)
            let frames = try await VisitorSocketClient.frames(port: port, token: token, until: "watching", then: [#"{"type":"watch"}"#]) {
                _ = try await chat.send(token, "Hello, is anyone there?")
            }
            let ready = try #require(frames.first { $0["type"] as? String == "ready" })
            #expect(ready["conversation_id"] == nil || ready["conversation_id"] is NSNull)
            let conversation = try await harness.client.json(.get, "/api/v1/widget/messages", headers: ["X-Visitor-Token": token])
                .int("conversation_id")
            #expect(frames.last?["conversation_id"] as? NSNumber == NSNumber(value: conversation))
        }
    }

    @Test func aSocketThatDoesNotAuthenticateGetsNothing() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            let frames = try await VisitorSocketClient.frames(port: port, token: "sdv_wrong", until: "error") {}
            #expect(frames.last?["type"] as? String == "error")
        }
    }

    @Test(.enabled(if: TestDatabase.kinds.contains(.postgres), "needs SHOPDESK_TEST_POSTGRES_URL"))
    func aVisitorOnOneNodeTalksToAnAgentOnAnother() async throws {
        try await TestDatabase.withPostgresURL { url in
            let hash = try await PasswordHasher(cost: 4).hash(Harness.password)
            let agentToken = try await Database.with(url: url, logger: TestDatabase.logger) { database in
                let (owner, _) = try await Provisioning.createOwner(database: database, workspace: "Chat nodes", timeZone: "UTC",
                                                                    email: "chatnodes@example.com", name: "N", passwordHash: hash)
                return try await Provisioning.createToken(database: database, agent: owner, name: "t")
            }
            try await RealtimeTests.node(url) { nodeA in
                try await RealtimeTests.node(url) { nodeB in
                    let created = try await nodeB.json(.post, "/api/v1/inboxes", token: agentToken, body: #"{"name":"Chat","kind":"chat"}"#)
                    let key = try created.object("inbox").string("widget_key")
                    let visitor = try await nodeA.json(.post, "/api/v1/widget/\(key)/sessions", body: "{}").string("token")
                    let sent = try await nodeA.json(.post, "/api/v1/widget/messages", headers: ["X-Visitor-Token": visitor],
                                                    body: #"{"client_id":"n1","text":"from node A"}"#)
                    let conversationID = try sent.int("conversation_id")
                    // The agent on node B hears the visitor on node A…
                    let event = try await RealtimeTests.firstEvent(port: nodeB.port!, token: agentToken, type: "visitor.typing") {
                        try await VisitorSocketClient.send(port: nodeA.port!, token: visitor, frames: [#"{"type":"typing","state":"typing"}"#])
                    }
                    #expect(event["conversation_id"] as? NSNumber == NSNumber(value: conversationID))
                    // …and the visitor on node A gets the reply written on node B.
                    let frames = try await VisitorSocketClient.frames(port: nodeA.port!, token: visitor, until: "message") {
                        _ = try await nodeB.json(.post, "/api/v1/conversations/\(conversationID)/messages", token: agentToken,
                                                 body: #"{"text":"hello from node B"}"#)
                    }
                    #expect((frames.last?["message"] as? [String: Any])?["text"] as? String == "hello from node B")
                }
            }
        }
    }
}
