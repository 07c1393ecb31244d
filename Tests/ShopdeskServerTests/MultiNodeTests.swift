import AsyncHTTPClient
import Foundation
import NIOCore
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import SQLKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Three real `shopdesk serve` nodes on one PostgreSQL, under load through all three (API
/// messages, Telegram's webhooks, agents' replies going out through jobs, an agent's socket);
/// one node killed with SIGKILL in the middle and started again. Nothing acknowledged is lost or
/// stored twice, no reply reaches the customer twice or is left hanging, and the agent's socket,
/// on the node that died, reconnects to another and catches up with nothing missing. It runs in
/// about 20 s; its time limit is generous because, in the whole suite, it may first wait for one
/// of the PostgreSQL slots (`PostgresSlots`) the other tests hold.
@Suite("Several nodes, one killed", .serialized)
struct MultiNodeTests {
    /// The nodes' current ports (a restarted node listens on a new one).
    actor Nodes {
        var servers: [ServerProcess]
        var turn = 0
        init(_ servers: [ServerProcess]) { self.servers = servers }
        func next() -> Int { turn += 1; return servers[turn % servers.count].port }
        func replace(_ index: Int, with server: ServerProcess) { servers[index] = server }
        func all() -> [ServerProcess] { servers }
    }

    @Test(.enabled(if: TestDatabase.kinds.contains(.postgres), "needs SHOPDESK_TEST_POSTGRES_URL"), .timeLimit(.minutes(10)))
    func nothingIsLostWhenANodeDies() async throws {
        guard try await PythonService.binaryAndWebSocketClient() else { return }
        try await FakeTelegram.run { bot, base in
            try await TestDatabase.withPostgresURL { url in
                try await run(url: url, bot: bot, base: base)
            }
        }
    }

    private func run(url: String, bot: FakeTelegram, base: String) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nodes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = Data((0..<32).map { _ in UInt8.random(in: 0...255) })
        let box = SecretBox(keyBytes: key)
        let secret = "sdc_nodes_secret"
        let (telegramInbox, apiInbox, token, widgetKey) = try await Database.with(url: url, logger: TestDatabase.logger) { database in
            let (owner, _) = try await Provisioning.createOwner(database: database, workspace: "Nodes", timeZone: "UTC",
                                                                email: "nodes-\(UUID().uuidString.prefix(6))@example.com", name: "N", passwordHash: "x")
            let settings = ChannelSettings(values: ["api_base": base],
                                           sealed: ["bot_token": try box.seal(FakeTelegram.token), "webhook_secret": try box.seal(secret)])
            let (telegram, api, chat, _) = try await database.write { sql in
                (try await InboxRepository.create(workspaceID: owner.workspaceID, kind: .telegram, name: "Telegram", webhookURL: nil,
                                                  secret: "sdi_tg", now: Date(), channel: settings, in: sql),
                 try await InboxRepository.create(workspaceID: owner.workspaceID, kind: .api, name: "API", webhookURL: nil,
                                                  secret: "sdi_nodes", now: Date(), in: sql),
                 try await InboxRepository.create(workspaceID: owner.workspaceID, kind: .chat, name: "Site chat", webhookURL: nil,
                                                  secret: "sdi_chat", now: Date(), chat: ChatSettings(), widgetKey: "wk_nodes_\(UUID().uuidString.prefix(8))", in: sql),
                 try await InboxRepository.create(workspaceID: owner.workspaceID, kind: .email, name: "Mail", webhookURL: nil,
                                                  secret: "sdi_mail", now: Date(), email: EmailSettings(address: "support@nodes.example"), in: sql))
            }
            return (telegram.id.rawValue, api.id.rawValue, try await Provisioning.createToken(database: database, agent: owner, name: "nodes"),
                    chat.widgetKey ?? "")
        }
        let environment = ["SHOPDESK_SECRET_KEY": key.base64EncodedString(), "SHOPDESK_ALLOW_PRIVATE_WEBHOOKS": "1",
                           "SHOPDESK_JOB_LEASE_SECONDS": "5", "SHOPDESK_API_RATE_LIMIT": "0", "SHOPDESK_ANONYMOUS_RATE_LIMIT": "0"]
        // Each node also receives mail on its own SMTP port, kept when it is started again.
        let smtpPorts = try (0..<3).map { _ in try FreePort.pick() }
        let nodeEnvironment: @Sendable (Int) -> [String: String] = { index in
            environment.merging(["SHOPDESK_SMTP_PORT": String(smtpPorts[index])]) { _, new in new }
        }
        var started: [ServerProcess] = []
        for index in 0..<3 {
            started.append(try await ServerProcess.start(database: url, directory: directory.path, environment: nodeEnvironment(index), jobs: true))
        }
        let nodes = Nodes(started)
        defer { Task { for server in await nodes.all() { server.kill() } } }
        await bot.slowDown(.milliseconds(10))
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { _ = http.shutdown() }

        // The agent's socket, on node B: when B dies it goes to A with its cursor, as the app does.
        let events = directory.appendingPathComponent("events.json").path
        let watcher = try await SocketWatcher.start(ports: [started[1].port, started[0].port, started[2].port], token: token, output: events)

        let inbound = Acknowledgements()
        let replies = Acknowledgements()
        let widgetMessages = Acknowledgements()
        let mails = Acknowledgements()
        let killed = KillSwitch()
        @Sendable func post(_ path: String, _ body: String, headers: [(String, String)]) async -> (Int, Data)? {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(await nodes.next())\(path)")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            request.body = .bytes(ByteBuffer(string: body))
            guard let response = try? await http.execute(request, timeout: .seconds(10)),
                  let bytes = try? await response.body.collect(upTo: 1 << 16) else { return nil }
            return (Int(response.status.code), Data(bytes.readableBytesView))
        }
        @Sendable func acknowledged(_ key: String) async {
            // Node B dies once a hundred messages were acknowledged, and comes back a second later.
            guard await inbound.add(key, 0) == 100, await killed.first() else { return }
            let victim = await nodes.all()[1]
            Glibc.kill(victim.process.processIdentifier, SIGKILL)
            victim.process.waitUntilExit()
            try? await Task.sleep(for: .seconds(1))
            if let restarted = try? await ServerProcess.start(database: url, directory: directory.path, environment: nodeEnvironment(1), jobs: true) {
                await nodes.replace(1, with: restarted)
            }
        }
        await withTaskGroup(of: Void.self) { group in
            for client in 0..<3 {
                group.addTask {
                    for index in 0..<50 {
                        let external = "api-\(client)-\(index)"
                        let answer = await post("/api/v1/inboxes/\(apiInbox)/messages",
                                                #"{"customer":{"email":"c\#(client)@example.com"},"text":"question \#(external)","external_id":"\#(external)"}"#,
                                                headers: [("X-Inbox-Token", "sdi_nodes")])
                        if answer?.0 == 201 { await acknowledged(external) }
                    }
                }
            }
            for chat in 0..<3 {
                group.addTask {
                    for index in 1...30 {
                        let answer = await post("/api/v1/channels/telegram/\(telegramInbox)/webhook",
                                                TelegramChannelTests.update(index, chat: Int64(7000 + chat), text: "update \(chat)-\(index)"),
                                                headers: [("X-Telegram-Bot-Api-Secret-Token", secret)])
                        if answer?.0 == 200 { await acknowledged("\(7000 + chat):\(index)") }
                    }
                }
            }
            for visitor in 0..<3 {
                group.addTask {
                    // A chat visitor whose widget talks to whichever node answers; a lost answer is sent again with the same client id.
                    var token: String?
                    for _ in 0..<20 where token == nil {
                        if let (status, body) = await post("/api/v1/widget/\(widgetKey)/sessions", "{}", headers: [("Origin", "https://shop.example")]),
                           status < 300 { token = (try? JSONSerialization.jsonObject(with: body) as? [String: Any])?["token"] as? String }
                    }
                    guard let token else { return }
                    for index in 0..<20 {
                        let text = "widget \(visitor)-\(index)"
                        for _ in 0..<5 {
                            let answer = await post("/api/v1/widget/messages", #"{"client_id":"w\#(visitor)-\#(index)","text":"\#(text)"}"#,
                                                    headers: [("X-Visitor-Token", token)])
                            if let status = answer?.0, status < 300 { _ = await widgetMessages.add(text, 0); break }
                        }
                    }
                }
            }
            group.addTask {
                // Mail to every node's SMTP server; a sender whose node died tries the next one, as an MTA would.
                let ids = (try? await Self.sendMail(count: 60, ports: smtpPorts)) ?? []
                for id in ids { _ = await mails.add(id, 0) }
            }
            group.addTask {
                // Agents answer the Telegram chats through whichever node, while the load goes on.
                for round in 0..<40 {
                    let conversations = (try? await Self.read(url) { sql in
                        try await sql.raw("SELECT id FROM conversations WHERE inbox_id = \(bind: telegramInbox) ORDER BY id").all()
                            .map { try $0.decode(column: "id", as: Int64.self) }
                    }) ?? []
                    for conversation in conversations {
                        let text = "reply \(conversation)-\(round)"
                        if await post("/api/v1/conversations/\(conversation)/messages", #"{"text":"\#(text)"}"#,
                                      headers: [("Authorization", "Bearer \(token)")])?.0 == 201 {
                            _ = await replies.add(text, 0)
                        }
                    }
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
        }
        #expect(await killed.fired, "the load reached a hundred acknowledged messages, and node B was killed")

        // Every reply settles: sent, or failed in words when the kill cut its send off.
        var pending = -1
        for _ in 0..<600 where pending != 0 {
            try await Task.sleep(for: .milliseconds(100))
            pending = try await Self.read(url) { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM messages WHERE direction = 'outbound' AND delivery_status IN ('queued', 'sending')")
                    .first()?.decode(column: "n", as: Int.self) ?? -1
            }
        }
        #expect(pending == 0, "\(pending) replies were left queued or sending")
        // Let the watcher hear the last events before it reports.
        try await Task.sleep(for: .seconds(1))
        let heard = try await watcher.finish()

        let stored = try await Self.read(url) { sql in
            try await sql.raw("SELECT id, channel_message_id FROM messages WHERE direction = 'inbound'").all().map {
                (try $0.decode(column: "id", as: Int64.self), try $0.decode(column: "channel_message_id", as: String.self))
            }
        }
        let acked = Set(await inbound.all.keys)
        let storedKeys = stored.map(\.1)
        #expect(acked.count >= 100)
        #expect(acked.subtracting(storedKeys).isEmpty, "\(acked.subtracting(storedKeys).count) acknowledged messages were lost")
        #expect(storedKeys.count == Set(storedKeys).count, "a message was stored twice")
        // The widget's and the mail's acknowledged messages are each there once.
        let texts = try await Self.read(url) { sql in
            try await sql.raw("SELECT text FROM messages WHERE direction = 'inbound'").all().map { try $0.decode(column: "text", as: String.self) }
        }
        let ackedWidget = Set(await widgetMessages.all.keys), ackedMail = Set(await mails.all.keys)
        #expect(ackedWidget.count >= 30 && ackedMail.count >= 30, "widget \(ackedWidget.count), mail \(ackedMail.count) acknowledged")
        for text in ackedWidget {
            #expect(texts.filter { $0 == text }.count == 1, "\(text): stored \(texts.filter { $0 == text }.count) times")
        }
        for id in ackedMail {
            let body = "Nodes mail " + id.prefix { $0 != "@" }.dropFirst("nodes-mail-".count)
            #expect(texts.filter { $0.contains(body + ".") }.count == 1, "\(id): stored \(texts.filter { $0.contains(body + ".") }.count) times")
        }
        let missed = Set(stored.map(\.0)).subtracting(heard)
        #expect(missed.isEmpty, "the agent's socket never heard of \(missed.count) of \(stored.count) messages")

        for server in await nodes.all() { server.kill() }
        let delivered = await bot.sent.compactMap(\.text)
        #expect(delivered.count == Set(delivered).count, "a reply reached the customer twice")
        let outcomes = try await Self.read(url) { sql in
            try await sql.raw("SELECT text, delivery_status, delivery_error FROM messages WHERE direction = 'outbound'").all().map {
                (try $0.decode(column: "text", as: String.self), try $0.decode(column: "delivery_status", as: String.self),
                 try $0.decode(column: "delivery_error", as: String?.self))
            }
        }
        // A reply can be stored without its 201 arriving (the node died between commit and
        // answer): every acknowledged one must be there, and none twice.
        let storedReplies = outcomes.map(\.0)
        let acknowledgedReplies = Set(await replies.all.keys)
        #expect(acknowledgedReplies.subtracting(storedReplies).isEmpty, "\(acknowledgedReplies.subtracting(storedReplies).count) acknowledged replies were lost")
        #expect(storedReplies.count == Set(storedReplies).count, "a reply was stored twice")
        for (text, status, error) in outcomes {
            if status == "sent" { #expect(delivered.contains(text), "\(text) is marked sent but Telegram never got it") }
            else { #expect(status == "failed" && error?.contains("cut off") == true, "\(text): \(status) \(error ?? "")") }
        }
    }

    /// Sends `count` mails over SMTP, each to the next node's port; when a node is down or drops
    /// the connection mid-message, the same mail goes to the next node. Returns the Message-IDs
    /// some node answered 250 for.
    private static func sendMail(count: Int, ports: [Int]) async throws -> [String] {
        let script = """
            import json, smtplib, sys, time
            request = json.load(sys.stdin)
            ports, acknowledged = request['ports'], []
            for index in range(request['count']):
                message = ('From: Kupac <kupac%d@example.hr>\\r\\nTo: support@nodes.example\\r\\nSubject: Narudzba %d\\r\\n'
                           'Message-ID: <nodes-mail-%d@example.hr>\\r\\nDate: Sat, 05 Dec 2026 10:00:00 +0000\\r\\n\\r\\nNodes mail %d.\\r\\n') % (index % 5, index, index, index)
                for attempt in range(6):
                    try:
                        client = smtplib.SMTP('127.0.0.1', ports[(index + attempt) % len(ports)], timeout=10)
                        client.sendmail('kupac@example.hr', ['support@nodes.example'], message.encode('utf-8'))
                        client.quit()
                        acknowledged.append('nodes-mail-%d@example.hr' % index)
                        break
                    except Exception:
                        time.sleep(0.2)
                time.sleep(0.02)
            print(json.dumps(acknowledged))
            """
        let request = try JSONSerialization.data(withJSONObject: ["count": count, "ports": ports] as [String: Any])
        let output = try await Python.run(script, input: String(decoding: request, as: UTF8.self))
        return (try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String]) ?? []
    }

    private static func read<T: Sendable>(_ url: String, _ body: @Sendable @escaping (any SQLDatabase) async throws -> T) async throws -> T {
        try await Database.with(url: url, logger: TestDatabase.logger) { database in try await database.read(body) }
    }
}

/// Fires once.
actor KillSwitch {
    private(set) var fired = false
    func first() -> Bool {
        defer { fired = true }
        return !fired
    }
}

/// An agent's realtime socket in Python's websocket-client, doing what the app does: on a lost
/// connection it tries the nodes in turn and resumes from before the newest event it saw
/// (`?after=`), dropping repeats. Reports the message ids of every `message.created` it heard.
final class SocketWatcher: Sendable {
    let service: PythonService
    let output: String

    private init(service: PythonService, output: String) { (self.service, self.output) = (service, output) }

    static func start(ports: [Int], token: String, output: String) async throws -> SocketWatcher {
        let script = """
            import json, sys, threading, time, websocket
            ports, token, out = json.loads(sys.argv[1]), sys.argv[2], sys.argv[3]
            heard, state, ready, stop = set(), {'last': None}, threading.Event(), threading.Event()
            def watch():
                while not stop.is_set():
                    for port in ports:
                        if stop.is_set():
                            return
                        after = '' if state['last'] is None else '?after=%d' % max(0, state['last'] - 100)
                        try:
                            ws = websocket.create_connection('ws://127.0.0.1:%d/api/v1/realtime%s' % (port, after),
                                                             header=['Authorization: Bearer ' + token], timeout=2)
                        except Exception:
                            continue
                        try:
                            while not stop.is_set():
                                try:
                                    message = json.loads(ws.recv())
                                except websocket.WebSocketTimeoutException:
                                    continue
                                if message.get('type') == 'hello':
                                    if state['last'] is None:
                                        state['last'] = message.get('last_event_id', 0)
                                    ready.set()
                                if isinstance(message.get('id'), int):
                                    state['last'] = max(state['last'] or 0, message['id'])
                                if message.get('type') == 'message.created':
                                    heard.add(message['payload']['message_id'])
                        except Exception:
                            pass
                    time.sleep(0.2)
            threading.Thread(target=watch, daemon=True).start()
            ready.wait(30)
            print('ready', flush=True)
            sys.stdin.read()
            stop.set()
            json.dump(sorted(heard), open(out, 'w'))
            """
        let service = try await PythonService.start(script, arguments: [String(describing: ports), token, output], what: "The socket watcher",
                                                    expecting: "ready")
        return SocketWatcher(service: service, output: output)
    }

    /// Stops it and returns the message ids it heard.
    func finish() async throws -> Set<Int64> {
        try await service.finish()
        let data = try Data(contentsOf: URL(fileURLWithPath: output))
        return Set(((try JSONSerialization.jsonObject(with: data) as? [NSNumber]) ?? []).map(\.int64Value))
    }
}
