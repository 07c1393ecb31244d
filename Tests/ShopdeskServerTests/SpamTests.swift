import Foundation
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// A phishing first message waits in Spam, out of every other view; an agent lets it out.
@Suite("Spam", .serialized)
struct SpamTests {
    static let phishing = "Your account will be suspended! Verify your account now: http://203.0.113.9/secure-login"

    @Test(arguments: TestDatabase.kinds)
    func aPhishingMessageWaitsInSpamUntilAnAgentLetsItOut(kind: DatabaseKind) async throws {
        try await Harness.run(kind, mode: .live) { harness in
            let spam = try await harness.inbound(email: "security@phish.example", text: Self.phishing, subject: "Account alert")
            let id = try spam.int("conversation_id")
            let conversation = try await harness.client.json(.get, "/api/v1/conversations/\(id)", token: harness.ownerToken)
            #expect(try conversation.string("status") == "spam", "\(conversation.text)")
            #expect((conversation.body as? [String: Any])?["tags"] as? [String] == ["spam"])
            for view in ["open", "all", "unassigned"] {
                let list = try await harness.client.json(.get, "/api/v1/conversations?view=\(view)", token: harness.ownerToken)
                #expect(!list.items.contains { $0["id"] as? Int == Int(id) }, "not in \(view)")
            }
            let spamView = try await harness.client.json(.get, "/api/v1/conversations?view=spam", token: harness.ownerToken)
            #expect(spamView.items.map { $0["id"] as? Int } == [Int(id)], "\(spamView.text)")
            let timeline = try await harness.client.json(.get, "/api/v1/conversations/\(id)/timeline", token: harness.ownerToken)
            #expect(timeline.text.contains("conversation.spam_checked") && timeline.text.contains("links to 203.0.113.9"), "\(timeline.text)")
            // The sender writing again stays in Spam.
            try await harness.inbound(email: "security@phish.example", text: "Last warning: verify your account.")
            #expect(try await harness.client.json(.get, "/api/v1/conversations/\(id)", token: harness.ownerToken).string("status") == "spam")

            // A known customer is never filtered, whatever they paste.
            try await harness.inbound(email: "marta@example.com", text: "Where is my order?")
            let pasted = try await harness.inbound(email: "marta@example.com", text: "I got this mail, is it you? " + Self.phishing)
            let known = try await harness.client.json(.get, "/api/v1/conversations/\(try pasted.int("conversation_id"))", token: harness.ownerToken)
            #expect(try known.string("status") == "open")
            // Swearing is tagged, not hidden.
            try await harness.inbound(email: "marta@example.com", text: "You idiots, answer me!")
            let sworn = try await harness.client.json(.get, "/api/v1/conversations/\(try pasted.int("conversation_id"))", token: harness.ownerToken)
            #expect(try sworn.string("status") == "open" && ((sworn.body as? [String: Any])?["tags"] as? [String])?.contains("abusive") == true, "\(sworn.text)")

            // Reports count work: spam is not in them.
            let day = DateFormatter()
            day.dateFormat = "yyyy-MM-dd"
            day.timeZone = TimeZone(identifier: "UTC")
            let today = Date()
            let period = "from=\(day.string(from: today))&to=\(day.string(from: today.addingTimeInterval(86_400)))"
            func reported() async throws -> Int? {
                let overview = try await harness.client.json(.get, "/api/v1/reports/overview?\(period)", token: harness.ownerToken)
                return ((overview.body as? [String: Any])?["current"] as? [String: Any])?["conversations"] as? Int
            }
            let before = try await reported()
            #expect(before == 1, "Marta's conversation, not the spam: \(String(describing: before))")

            // "Not spam": the agent opens it, and it is in the inbox again.
            let opened = try await harness.client.json(.patch, "/api/v1/conversations/\(id)", token: harness.ownerToken, body: #"{"status":"open"}"#)
            #expect(try opened.string("status") == "open")
            let open = try await harness.client.json(.get, "/api/v1/conversations?view=open", token: harness.ownerToken)
            #expect(open.items.contains { $0["id"] as? Int == Int(id) })
            let counts = try await harness.database.read {
                try await ConversationRepository.viewCounts(workspaceID: harness.workspaceID, agentID: harness.owner.id, visibleInboxes: nil, in: $0)
            }
            let recount = try await harness.database.read {
                try await ConversationRepository.recountViews(workspaceID: harness.workspaceID, agentID: harness.owner.id, in: $0)
            }
            #expect(counts == recount, "the counters follow spam in and out")
            let after = try await reported()
            #expect(after == 2, "let out of Spam, it is work and counts: \(String(describing: after))")
        }
    }

    /// Spam the rules do not know, marked by agents, teaches the workspace's spam model, which is
    /// adopted because with it the held-out labels come out right more often than with the rules alone.
    @Test(arguments: TestDatabase.kinds)
    func agentsMarksTeachTheWorkspacesSpamModel(kind: DatabaseKind) async throws {
        try await Harness.run(kind, mode: .live) { harness in
            let goods = ["watches", "handbags", "sunglasses", "sneakers", "wallets", "belts", "perfumes", "jackets"]
            for (index, goods) in goods.enumerated() {
                let pitch = try await harness.inbound(email: "sales\(index)@factory.example",
                                                      text: "Wholesale replica \(goods) from our factory, lowest prices, reply for the catalogue")
                let id = try pitch.int("conversation_id")
                #expect(try await harness.client.json(.get, "/api/v1/conversations/\(id)", token: harness.ownerToken).string("status") == "open",
                        "the rules do not know this pitch")
                _ = try await harness.client.json(.patch, "/api/v1/conversations/\(id)", token: harness.ownerToken, body: #"{"status":"spam"}"#)
            }
            for index in 0..<24 {
                let question = try await harness.inbound(email: "customer\(index)@example.com",
                                                         text: ["Where is my order? It has not arrived.", "Can I return the shoes?",
                                                                "Do you have this jacket in size M?", "My discount code does not work."][index % 4])
                let body = #"{"text":"Thank you, we are on it."}"#
                _ = try await harness.client.json(.post, "/api/v1/conversations/\(try question.int("conversation_id"))/messages", token: harness.ownerToken, body: body)
            }
            // The marks queued a training; run it as the job runner would.
            try await harness.runJobs(at: Date().addingTimeInterval(7 * 3600))
            let models = try await harness.client.json(.get, "/api/v1/intelligence/models", token: harness.ownerToken)
            let spam = try #require(models.items.first { ($0["report"] as? [String: Any])?["task"] as? String == "spam" }?["report"] as? [String: Any],
                                    "\(models.text)")
            #expect(spam["adopted"] as? Bool == true && spam["examples"] as? Int == 32, "\(spam)")
            let next = try await harness.inbound(email: "new@factory.example", text: "Wholesale replica scarves from our factory, reply for the catalogue")
            let id = try next.int("conversation_id")
            #expect(try await harness.client.json(.get, "/api/v1/conversations/\(id)", token: harness.ownerToken).string("status") == "spam")
            let timeline = try await harness.client.json(.get, "/api/v1/conversations/\(id)/timeline", token: harness.ownerToken)
            #expect(timeline.text.contains("spam model"), "\(timeline.text)")
            let customer = try await harness.inbound(email: "someone@example.com", text: "Do you have these sneakers in size 42?")
            #expect(try await harness.client.json(.get, "/api/v1/conversations/\(try customer.int("conversation_id"))", token: harness.ownerToken)
                .string("status") == "open", "a customer asking about the same goods is not spam")
        }
    }

    @Test(.enabled(if: Browser.shouldRun), .timeLimit(.minutes(10)))
    func aSpamMessageLandsInTheSpamView() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            try await harness.inbound(email: "security@phish.example", text: Self.phishing, subject: "Account alert")
            try await harness.inbound(email: "real@example.com", text: "Where is my parcel?", subject: "Parcel")
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/spam")
                try await page.waitFor("document.querySelector('#conversations')?.innerText.includes('Account alert')", "the spam in its view")
                let list = try await page.evaluate("document.querySelector('#conversations').innerText") as? String ?? ""
                #expect(!list.contains("Parcel"), "\(list)")
                try await page.navigate("http://127.0.0.1:\(port)/#/all")
                try await page.waitFor("document.querySelector('#conversations')?.innerText.includes('Parcel')", "the real customer in All")
                let all = try await page.evaluate("document.querySelector('#conversations').innerText") as? String ?? ""
                #expect(!all.contains("Account alert"), "\(all)")
            }
        }
    }
}
