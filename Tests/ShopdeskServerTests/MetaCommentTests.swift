import Foundation
import HTTPTypes
import HummingbirdTesting
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// Comments on the shop's Facebook posts and Instagram media as conversations, against a local
/// Graph API: one conversation per comment thread, the post shown beside it, replies public
/// under the comment or private to its author (once per comment), and comments hidden or deleted.
@Suite("Comments on Facebook and Instagram posts")
struct MetaCommentTests {
    typealias Setup = MetaMessagingTests.Setup
    static let customer = "6500000000000001"

    /// A comment notification in the platform's own shape: the Page's `feed` change on Facebook,
    /// the account's `comments` change on Instagram.
    static func comment(_ setup: Setup, id: String, _ text: String, parent: String? = nil, from: String = customer,
                        post: String = "900", verb: String = "add") -> String {
        if setup.kind == "messenger" {
            let postID = "\(FakeMeta.pageID)_\(post)"
            return #"[{"field":"feed","value":{"from":{"id":"\#(from)","name":"Ana Souza"},"post":{"status_type":"added_photos","is_published":true,"#
                + #""permalink_url":"https://www.facebook.com/lojademo/posts/\#(post)","id":"\#(postID)"},"message":"\#(text)","post_id":"\#(postID)","#
                + #""comment_id":"\#(id)","created_time":\#(Int(Date().timeIntervalSince1970)),"item":"comment","parent_id":"\#(parent ?? postID)","verb":"\#(verb)"}}]"#
        }
        let parentField = parent.map { #","parent_id":"\#($0)""# } ?? ""
        return #"[{"field":"comments","value":{"from":{"id":"\#(from)","username":"ana.souza"},"media":{"id":"\#(post)","media_product_type":"FEED"},"#
            + #""id":"\#(id)","text":"\#(text)"\#(parentField)}}]"#
    }

    static func postID(_ setup: Setup, _ post: String = "900") -> String { setup.kind == "messenger" ? "\(FakeMeta.pageID)_\(post)" : post }

    static func conversations(_ setup: Setup) async throws -> [[String: Any]] {
        try await setup.harness.client.json(.get, "/api/v1/conversations?view=all", token: setup.harness.ownerToken).items
    }

    static func messages(_ setup: Setup, _ conversation: Int) async throws -> [[String: Any]] {
        try await setup.harness.client.json(.get, "/api/v1/conversations/\(conversation)/messages", token: setup.harness.ownerToken).items
    }

    @Test(arguments: ["messenger", "instagram"])
    func aCommentThreadIsOneConversationBesideItsPost(kind: String) async throws {
        try await MetaMessagingTests.withPage(kind, database: .sqlite) { setup in
            let harness = setup.harness
            let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 0x42, count: 400))
            await setup.meta.addMedia(id: "post900", mime: "image/jpeg", data: jpeg)
            await setup.meta.addPost(id: Self.postID(setup), .init(text: "Vestido Aurora, agora em 3 cores", link: "https://www.instagram.com/p/AURORA/",
                                                                   image: "\(setup.base)/media/post900"))
            let c1 = kind == "messenger" ? "900_1" : "17800000000000001"
            #expect(try await MetaMessagingTests.notify(setup, "", changes: Self.comment(setup, id: c1, "Tem em azul?")).status == .ok)
            // The same delivery again, the shop's own answer in the thread, and another post's comment.
            try await MetaMessagingTests.notify(setup, "", changes: Self.comment(setup, id: c1, "Tem em azul?"))
            try await MetaMessagingTests.notify(setup, "", changes: Self.comment(setup, id: "own", "Temos sim!", parent: c1, from: FakeMeta.pageID))
            // An answer under the comment joins its conversation; a direct message is a conversation of its own.
            try await MetaMessagingTests.notify(setup, "", changes: Self.comment(setup, id: "\(c1)_2", "E em M?", parent: c1))
            try await MetaMessagingTests.notify(setup, MetaMessagingTests.message("m_dm", "Oi, mandei DM"))
            let list = try await Self.conversations(setup)
            #expect(list.count == 2, "\(list)")
            let thread = try #require(list.first { $0["channel_post"] as? String == Self.postID(setup) })
            let id = try #require(thread["id"] as? Int)
            let messages = try await Self.messages(setup, id)
            #expect(messages.map { $0["text"] as? String } == ["Tem em azul?", "E em M?"])
            #expect(messages.allSatisfy { $0["comment_status"] as? String == "visible" })
            #expect(list.first { $0["channel_post"] == nil } != nil)

            // The post is read once, by a job, with its picture kept like an attachment.
            let before = try await harness.client.json(.get, "/api/v1/conversations/\(id)/channel/post", token: harness.ownerToken)
            #expect(try before.bool("fetched") == false)
            _ = try await harness.runJobs()
            let post = try await harness.client.json(.get, "/api/v1/conversations/\(id)/channel/post", token: harness.ownerToken)
            #expect(try post.string("text") == "Vestido Aurora, agora em 3 cores" && post.string("link") == "https://www.instagram.com/p/AURORA/")
            let image = try post.int("image_attachment_id")
            let file = try await harness.client.bytes(.get, "/api/v1/attachments/\(image)/download", token: harness.ownerToken)
            #expect(file.status == .ok && file.body == jpeg)

            // Hiding goes to Meta and is kept; Meta's word that the author deleted the other one is kept too.
            let first = try #require(messages.first?["id"] as? Int)
            let hidden = try await harness.client.json(.post, "/api/v1/messages/\(first)/comment", token: harness.ownerToken, body: #"{"action":"hide"}"#)
            #expect(try hidden.string("comment_status") == "hidden", "\(hidden.text)")
            #expect(await setup.meta.moderated == ["hide \(c1)"])
            if kind == "messenger" {
                try await MetaMessagingTests.notify(setup, "", changes: Self.comment(setup, id: "\(c1)_2", "", parent: c1, verb: "remove"))
                #expect(try await Self.messages(setup, id).last?["comment_status"] as? String == "deleted")
            }
            let deleted = try await harness.client.json(.post, "/api/v1/messages/\(first)/comment", token: harness.ownerToken, body: #"{"action":"delete"}"#)
            #expect(try deleted.string("comment_status") == "deleted")
            #expect(await setup.meta.moderated == ["hide \(c1)", "delete \(c1)"])
            let again = try await harness.client.json(.post, "/api/v1/messages/\(first)/comment", token: harness.ownerToken, body: #"{"action":"unhide"}"#)
            #expect(again.status == .conflict)
            // A direct message is not a comment to moderate.
            let dm = try #require(list.first { $0["channel_post"] == nil }?["id"] as? Int)
            let dmMessage = try #require(try await Self.messages(setup, dm).first?["id"] as? Int)
            #expect(try await harness.client.json(.post, "/api/v1/messages/\(dmMessage)/comment", token: harness.ownerToken,
                                                  body: #"{"action":"hide"}"#).status == .notFound)
            let timeline = try await harness.client.json(.get, "/api/v1/conversations/\(id)/timeline", token: harness.ownerToken).items
            #expect(timeline.contains { $0["kind"] as? String == "message.comment_changed" })
        }
    }

    @Test func aPostsLinkIsKeptOnlyWhenItIsAWebAddress() {
        #expect(ChannelComments.webLink("https://www.instagram.com/p/AURORA/") == "https://www.instagram.com/p/AURORA/")
        for hostile in ["javascript:alert(document.cookie)", "JAVASCRIPT:alert(1)", "data:text/html,<script>1</script>", "http://plain.example/p",
                        "//evil.example/x", "https://", String(repeating: "https://a.example/", count: 200)] {
            #expect(ChannelComments.webLink(hostile) == nil, "\(hostile.prefix(40))")
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func repliesGoPubliclyUnderTheCommentOrOncePrivatelyToItsAuthor(kind: DatabaseKind) async throws {
        try await MetaMessagingTests.withPage("instagram", database: kind) { setup in
            let harness = setup.harness
            try await MetaMessagingTests.notify(setup, "", changes: Self.comment(setup, id: "17800000000000001", "Qual o prazo para Lisboa?"))
            let id = try #require(try await Self.conversations(setup).first?["id"] as? Int)
            func reply(_ body: String) async throws -> JSONResponse {
                try await harness.client.json(.post, "/api/v1/conversations/\(id)/messages", token: harness.ownerToken, body: body)
            }
            // Public by default: under the thread's comment, with no reply window.
            let publicly = try await reply(#"{"text":"Entre 2 e 4 dias úteis!"}"#)
            #expect(try publicly.string("comment_reply") == "public")
            try await MetaMessagingTests.notify(setup, "", changes: Self.comment(setup, id: "17800000000000002", "Obrigada! E o frete?", parent: "17800000000000001"))
            let privately = try await reply(#"{"text":"Ana, te mandei o valor por mensagem.","comment_reply":"private"}"#)
            #expect(privately.status == .created, "\(privately.text)")
            // One private reply per comment, refused before anything is stored.
            let twice = try await reply(#"{"text":"Mais uma coisa","comment_reply":"private"}"#)
            #expect(twice.status == .unprocessableContent && twice.detail.contains("one private message per comment"), "\(twice.text)")
            #expect((try? twice.string("code")) == "private_reply_used", "the app words it from its code")
            _ = try await harness.runJobs()
            #expect(await setup.meta.commentAnswers == [.init(comment: "17800000000000001", edge: "replies", text: "Entre 2 e 4 dias úteis!")])
            #expect(await setup.meta.privateReplies == ["17800000000000002": "Ana, te mandei o valor por mensagem."])
            let messages = try await Self.messages(setup, id)
            #expect(messages.filter { $0["direction"] as? String == "outbound" }.allSatisfy { $0["delivery_status"] as? String == "sent" }, "\(messages)")

            // Files do not go under comments; a direct-message conversation has no public or private choice.
            let file = try await reply(#"{"text":"Foto","attachment_ids":[1]}"#)
            #expect(file.status == .unprocessableContent && file.detail.contains("text only"), "\(file.text)")
            try await MetaMessagingTests.notify(setup, MetaMessagingTests.message("m_dm", "Oi"))
            let dm = try #require(try await Self.conversations(setup).first { $0["channel_post"] == nil }?["id"] as? Int)
            let wrong = try await harness.client.json(.post, "/api/v1/conversations/\(dm)/messages", token: harness.ownerToken,
                                                      body: #"{"text":"Oi","comment_reply":"public"}"#)
            #expect(wrong.status == .unprocessableContent, "\(wrong.text)")

            // A week later the comment is past private replies, but a public answer still goes.
            let week = Timestamps.millis(Date().addingTimeInterval(-8 * 24 * 3600))
            try await harness.database.write { try await $0.raw("UPDATE messages SET created_at = \(bind: week) WHERE direction = 'inbound'").run() }
            let late = try await reply(#"{"text":"Ainda por aí?","comment_reply":"private"}"#)
            #expect(late.status == .unprocessableContent && late.detail.contains("7 days"), "\(late.text)")
            #expect(try await reply(#"{"text":"Qualquer dúvida, estamos aqui."}"#).status == .created)
        }
    }
}

@Suite("Instagram comments in a browser", .enabled(if: Browser.shouldRun), .serialized, .timeLimit(.minutes(10)))
struct MetaCommentBrowserTests {
    @Test func anAgentAnswersACommentPubliclyThenPrivatelyBesideThePost() async throws {
        try await MetaMessagingTests.withPage("instagram", database: .sqlite, mode: .live) { setup in
            let harness = setup.harness
            await setup.meta.addMedia(id: "post900", mime: "image/jpeg", data: Data([0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 0x42, count: 400)))
            await setup.meta.addPost(id: "900", .init(text: "Vestido Aurora, agora em 3 cores", link: "https://www.instagram.com/p/AURORA/",
                                                      image: "\(setup.base)/media/post900"))
            try await MetaMessagingTests.notify(setup, "", changes: MetaCommentTests.comment(setup, id: "17800000000000001", "Tem em azul?"))
            _ = try await harness.runJobs()
            let conversation = try #require(try await MetaCommentTests.conversations(setup).first?["id"] as? Int)
            let port = try #require(harness.client.port)
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/open/\(conversation)")
                // The post is beside the comment: its picture, text and link.
                try await page.waitFor("document.querySelector('#post-card img.post-image')?.getAttribute('src')?.endsWith('/download') === true",
                                       "the post's picture")
                #expect(try await page.evaluate("document.querySelector('#post-card').textContent.includes('Vestido Aurora')") as? Bool == true)
                #expect(try await page.evaluate("document.querySelector('#reply-public').checked") as? Bool == true)
                try await WebAppTests.fill(page, ["#composer-text": "Temos sim, no tamanho P ao G!"])
                _ = try await page.evaluate("document.querySelector('#send').click()")
                try await page.waitFor("document.querySelector('#thread .comment-reply.public') !== null", "the public reply in the thread")
                // Then privately, to the same customer.
                _ = try await page.evaluate("(() => { const r = document.querySelector('#reply-private'); r.checked = true; r.dispatchEvent(new Event('change')); return true })()")
                #expect(try await page.evaluate("document.querySelector('#reply-visibility-help').textContent.includes('7')") as? Bool == true)
                try await WebAppTests.fill(page, ["#composer-text": "Ana, te mandei o link do azul por aqui."])
                _ = try await page.evaluate("document.querySelector('#send').click()")
                try await page.waitFor("document.querySelector('#thread .comment-reply.private') !== null", "the private reply in the thread")
                // A second private reply to the same comment is refused in words.
                try await WebAppTests.fill(page, ["#composer-text": "Mais uma coisa"])
                _ = try await page.evaluate("document.querySelector('#send').click()")
                try await page.waitFor("document.querySelector('#composer-error')?.textContent.includes('one private message per comment') === true",
                                       "why a second private reply cannot go")
                // Hiding the comment goes to Instagram and shows on the comment.
                _ = try await page.evaluate("document.querySelector('#thread .comment-toggle').click()")
                try await page.waitFor("document.querySelector('#thread .comment-status.hidden') !== null", "the comment shown as hidden")
                if let path = ProcessInfo.processInfo.environment["SHOPDESK_SCREENSHOT"] { try await page.screenshot(to: path) }
            }
            _ = try await harness.runJobs()
            #expect(await setup.meta.commentAnswers.map(\.text) == ["Temos sim, no tamanho P ao G!"])
            #expect(await setup.meta.privateReplies == ["17800000000000001": "Ana, te mandei o link do azul por aqui."])
            #expect(await setup.meta.moderated == ["hide 17800000000000001"])
        }
    }
}
