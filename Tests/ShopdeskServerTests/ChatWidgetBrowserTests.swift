import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The chat widget on a shop's page (another origin, with hostile CSS) and an agent in the web
/// app, each in its own headless Chromium, against a server that is restarted midway.
@Suite("Chat widget in a browser", .enabled(if: Browser.shouldRun), .serialized, .timeLimit(.minutes(10)))
struct ChatWidgetBrowserTests {
    @Test func aVisitorAndAnAgentChatLiveAndTheWidgetSurvivesARestart() async throws {
        try await TestDatabase.with(.sqlite) { database in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shopdesk-chat-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let hash = try await PasswordHasher(cost: 4).hash(Harness.password)
            let (owner, _) = try await Provisioning.createOwner(database: database, workspace: "Chat shop", timeZone: "UTC",
                                                                email: "chat-owner@example.com", name: "Olivia Owner", passwordHash: hash)
            let token = try await Provisioning.createToken(database: database, agent: owner, name: "tests")
            let port = try FreePort.pick()
            let base = "http://127.0.0.1:\(port)"
            let screenshots = ProcessInfo.processInfo.environment["SHOPDESK_SCREENSHOTS"]
            let widget = "document.querySelector('[data-shopdesk-widget]').shadowRoot"

            try await ShopPage.serve(widgetBase: base, key: { try await LiveServer.key(database: database, workspace: owner.workspaceID) }) { shopURL in
                try await LiveServer.run(database: database, directory: directory, port: port) {
                    let created = try await LiveServer.post(base + "/api/v1/inboxes", token: token,
                                                            body: ##"{"name":"Site chat","kind":"chat","chat":{"greeting":"Hi! Ask us anything.","color":"#1d6b4f"}}"##)
                    #expect(created.contains("widget_key"))
                }
                try await Browser.with { agent in
                    try await Browser.with { visitor in
                        try await LiveServer.run(database: database, directory: directory, port: port) {
                            // The agent signs in; being connected makes the chat "online".
                            try await agent.navigate(base + "/")
                            try await agent.waitFor("document.querySelector('#signin-email')", "the sign-in form")
                            try await agent.focus("#signin-email")
                            try await agent.type(owner.email)
                            try await agent.focus("#signin-password")
                            try await agent.type(Harness.password)
                            try await agent.press("Enter", code: "Enter", keyCode: 13)
                            try await agent.waitFor("document.querySelector('#conversations')", "the inbox")

                            // The visitor opens the shop; the widget shows despite the shop's CSS.
                            try await visitor.navigate(shopURL)
                            try await visitor.waitFor("\(widget).querySelector('.launcher') && !\(widget).querySelector('.launcher').hidden", "the launcher")
                            #expect(try await visitor.evaluate("\(widget).querySelector('.launcher').getBoundingClientRect().width") as? Int == 56)
                            _ = try await visitor.evaluate("\(widget).querySelector('.launcher').click()")
                            try await visitor.waitFor("\(widget).querySelector('.greeting')?.textContent === 'Hi! Ask us anything.'", "the greeting")
                            try await visitor.waitFor("\(widget).querySelector('header p').textContent.length > 0", "the online line")
                            _ = try await visitor.evaluate("\(widget).querySelector('textarea').focus()")
                            try await visitor.type(#"<img src=x onerror="window.__pwned=1">Where is order #1001?"#)
                            try await visitor.press("Enter", code: "Enter", keyCode: 13)
                            try await visitor.waitFor("\(widget).querySelector('.msg.visitor:not(.pending)')", "the stored message")

                            // The agent sees it arrive live, as text, with where the visitor is.
                            try await agent.waitFor("document.querySelectorAll('#conversations .row').length === 1", "the new chat in the list")
                            try await agent.press("j")
                            try await agent.waitFor("document.querySelector('#thread')?.innerText.includes('Where is order #1001?')", "the visitor's message")
                            #expect(try await agent.evaluate("document.querySelector('#thread').innerText.includes('<img src=x')") as? Bool == true)
                            try await agent.waitFor("document.querySelector('#visitor-page')?.innerText.includes('Test shop')", "the visitor's page")

                            // Typing a reply shows on the widget; the reply arrives live; a note never does.
                            try await agent.press("r")
                            try await agent.waitFor("document.activeElement?.id === 'composer-text'", "the reply box")
                            try await agent.type("It left our warehouse today <b>really</b>.")
                            try await visitor.waitFor("\(widget).querySelector('.typing').textContent.includes('Olivia')", "the agent typing")
                            try await agent.press("Enter", modifiers: 2, code: "Enter", keyCode: 13)
                            try await visitor.waitFor("\(widget).querySelector('.msg.agent')?.textContent.includes('It left our warehouse today <b>really</b>.')",
                                                      "the reply in the widget")
                            #expect(try await visitor.evaluate("\(widget).querySelector('.msg.agent .who').textContent") as? String == "Olivia")
                            // Readable and named inside the widget too, whatever the shop's page does.
                            #expect(try await visitor.evaluate(Audit.contrast(in: widget)) as? [String] == [])
                            #expect(try await visitor.evaluate(Audit.unnamedControls(in: widget)) as? [String] == [])
                            try await agent.waitFor("document.querySelector('#thread .message.outbound')?.innerText.includes('It left our warehouse')",
                                                    "the reply in the agent's thread")
                            try await agent.press("Escape", code: "Escape", keyCode: 27)
                            try await agent.waitFor("document.activeElement?.id !== 'composer-text'", "the composer left")
                            try await agent.press("n")
                            try await agent.waitFor("document.querySelector('#composer.note')", "the note composer")
                            try await agent.type("Internal: VIP, be generous")
                            try await agent.press("Enter", modifiers: 2, code: "Enter", keyCode: 13)
                            try await agent.waitFor("document.querySelector('#thread .message.note')", "the note")
                            // The visitor sends a file, as the file picker would.
                            _ = try await visitor.evaluate("""
                                (() => { const input = \(widget).querySelector('input[type=file]'); const files = new DataTransfer();
                                  files.items.add(new File(['a photo of the box'], 'box photo.jpg', { type: 'image/jpeg' }));
                                  input.files = files.files; input.dispatchEvent(new Event('change')); return true })()
                                """)
                            try await agent.waitFor("document.querySelector('#thread')?.innerText.includes('box photo.jpg')", "the visitor's file in the thread")
                            // The widget read the reply: the agent sees it marked read.
                            try await agent.waitFor("document.querySelector('#thread .message.outbound .delivery.read')", "the reply marked read")
                            #expect(try await visitor.evaluate("window.__pwned === undefined") as? Bool == true)
                            #expect(try await agent.evaluate("window.__pwned === undefined") as? Bool == true)
                            if let screenshots {
                                try await visitor.screenshot(to: screenshots + "/widget.png")
                                try await agent.screenshot(to: screenshots + "/chat-conversation.png")
                            }
                        }

                        // The server is down: the visitor writes anyway; the widget keeps it.
                        try await visitor.waitFor("\(widget).querySelector('header p').textContent.includes('Reconnecting')", "the reconnecting line")
                        _ = try await visitor.evaluate("\(widget).querySelector('textarea').focus()")
                        try await visitor.type("Still there?")
                        try await visitor.press("Enter", code: "Enter", keyCode: 13)
                        try await visitor.waitFor("\(widget).querySelector('.msg.pending')", "the pending message")

                        try await LiveServer.run(database: database, directory: directory, port: port) {
                            try await visitor.waitFor("!\(widget).querySelector('.msg.pending') && [...\(widget).querySelectorAll('.msg.visitor')].some((m) => m.textContent === 'Still there?')",
                                                      "the message sent after reconnecting", timeout: .seconds(40))
                            // Reloading the page keeps the conversation (the token is in storage, not the URL).
                            try await visitor.navigate(shopURL)
                            try await visitor.waitFor("\(widget).querySelectorAll('.msg.visitor').length === 3", "the conversation after a reload")
                            #expect(try await visitor.evaluate("location.href.includes('sdv_')") as? Bool == false)
                            let list = try await LiveServer.get(base + "/api/v1/conversations?status=open", token: token)
                            let items = (try JSONSerialization.jsonObject(with: Data(list.utf8)) as? [String: Any])?["items"] as? [[String: Any]] ?? []
                            #expect(items.count == 1, "one conversation: the restart started no second one")
                            let conversationID = try #require(items.first?["id"] as? Int)
                            let messages = try await LiveServer.get(base + "/api/v1/conversations/\(conversationID)/messages", token: token)
                            #expect(messages.components(separatedBy: "Still there?").count == 2, "exactly one copy of the resent message")
                            #expect(messages.components(separatedBy: "Where is order #1001?").count == 2)

                            // Resolved, the chat asks how we did, inline; one tap answers.
                            try await database.write { try await SurveyRepository.save(workspaceID: owner.workspaceID, SurveySettings(kind: .csat), in: $0) }
                            _ = try await ConversationService(database: database, publisher: nil).update(
                                workspaceID: owner.workspaceID, id: ConversationID(Int64(conversationID)), commands: [.setStatus(.resolved)],
                                actor: .agent(owner.id))
                            try await visitor.waitFor("\(widget).querySelector('.survey button')", "the survey in the widget", timeout: .seconds(20))
                            #expect(try await visitor.evaluate("\(widget).querySelectorAll('.survey button').length") as? Int == 5)
                            _ = try await visitor.evaluate("\(widget).querySelectorAll('.survey button')[4].click()")
                            try await visitor.waitFor("\(widget).querySelector('.survey[role=status]')", "the thanks")
                            let survey = try await database.read {
                                try await SurveyRepository.find(conversationID: ConversationID(Int64(conversationID)), in: $0)
                            }
                            #expect(survey?.score == 5)
                        }
                    }
                }
            }
        }
    }
}

/// A shop's page on its own origin, with CSS that would break a widget living in the page.
enum ShopPage {
    static func serve(
        widgetBase: String, key: @escaping @Sendable () async throws -> String, _ body: @Sendable (String) async throws -> Void
    ) async throws {
        let router = Router()
        router.get("/") { _, _ -> Response in
            let html = """
                <!doctype html><html><head><title>Test shop</title>
                <style nonce="shop">* { color: #8a1c1c !important; letter-spacing: .05em !important; font-family: Georgia, serif !important; } button, section, div { display: none !important; }</style>
                </head><body><h1>Test shop</h1><p>Shoes and more.</p>
                <script src="\(widgetBase)/widget.js" data-inbox="\(try await key())" async></script></body></html>
                """
            // A careful shop's policy: no inline script or style, the widget's server allowed by name.
            let socket = widgetBase.replacingOccurrences(of: "http://", with: "ws://")
            let policy = "default-src 'self'; script-src \(widgetBase); connect-src \(widgetBase) \(socket); img-src 'self' blob:; style-src 'self' 'nonce-shop'"
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .contentSecurityPolicy: policy],
                            body: .init(byteBuffer: ByteBuffer(string: html)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: TestDatabase.logger)
        try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)/")
        }
    }
}

/// A Shopdesk server on a fixed port that can be stopped and started again on the same
/// database, as an operator restarts one.
enum LiveServer {
    static func run(database: Database, directory: String, port: Int, _ body: @Sendable () async throws -> Void) async throws {
        var configuration = Harness.configuration(directory)
        configuration.port = port
        configuration.host = "127.0.0.1"
        configuration.runJobs = true
        let app = try await buildApplication(configuration: configuration, database: database, logger: TestDatabase.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            try await waitUntilListening(port)
            try await body()
            group.cancelAll()
        }
    }

    static func waitUntilListening(_ port: Int) async throws {
        for _ in 0..<200 {
            if (try? await get("http://127.0.0.1:\(port)/healthz", token: nil)) != nil { return }
            // The server binds asynchronously; poll until it answers.
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError("The server did not start listening on port \(port)")
    }

    static func key(database: Database, workspace: WorkspaceID) async throws -> String {
        try await database.read { sql in
            try await InboxRepository.list(workspaceID: workspace, in: sql).first { $0.kind == .chat }?.widgetKey
        } ?? ""
    }

    static func get(_ url: String, token: String?) async throws -> String {
        try await request(url, method: "GET", token: token, body: nil)
    }

    static func post(_ url: String, token: String, body: String) async throws -> String {
        try await request(url, method: "POST", token: token, body: body)
    }

    private static func request(_ url: String, method: String, token: String?, body: String?) async throws -> String {
        var request = HTTPClientRequest(url: url)
        request.method = .init(rawValue: method)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.body = .bytes(ByteBuffer(string: body))
            request.headers.add(name: "Content-Type", value: "application/json")
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        return String(buffer: try await response.body.collect(upTo: 4 << 20))
    }
}

enum FreePort {
    /// A free port below the kernel's ephemeral range, for a server a test must start twice on
    /// the same address. Ports the kernel hands out (port 0, and the local end of every outbound
    /// connection the suite makes) come from the ephemeral range, so one picked below it is not
    /// taken by a connection between the pick and the server's bind, nor while it restarts.
    static func pick() throws -> Int {
        let lowestEphemeral = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8))?
            .split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first.flatMap { Int($0) } ?? 32768
        let candidates = 10_000..<max(10_001, min(lowestEphemeral, 65_536))
        for _ in 0..<200 {
            let port = Int.random(in: candidates)
            if isFree(port) { return port }
        }
        throw HarnessError("Could not find a free port below \(lowestEphemeral)")
    }

    private static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
