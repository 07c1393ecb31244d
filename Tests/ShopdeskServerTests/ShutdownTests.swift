import Foundation
import ShopdeskCore
import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// SIGTERM to the real `shopdesk serve`: the request in flight finishes and its message is
/// stored, the agent's socket hears `reconnect` and then a clean close, new connections are
/// refused, and the process exits cleanly within its deadline. The client side is Python's
/// websocket-client and a raw socket, so nothing of ours judges our shutdown.
@Suite("Graceful shutdown")
struct ShutdownTests {
    @Test func sigtermFinishesWhatIsInFlightAndTellsSocketsToReconnect() async throws {
        guard try await PythonService.binaryAndWebSocketClient() else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shutdown-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = "sqlite:" + directory.appendingPathComponent("s.sqlite").path
        let (token, inboxID) = try await Database.with(url: url, logger: TestDatabase.logger) { database in
            try await Migrator.migrate(database)
            let (owner, _) = try await Provisioning.createOwner(database: database, workspace: "Shutdown", timeZone: "UTC",
                                                                email: "stop@example.com", name: "S", passwordHash: "x")
            let token = try await Provisioning.createToken(database: database, agent: owner, name: "t")
            let inbox = try await database.write {
                try await InboxRepository.create(workspaceID: owner.workspaceID, kind: .api, name: "API", webhookURL: nil,
                                                 secret: "sdi_shutdown", now: Date(), in: $0)
            }
            return (token, inbox.id.rawValue)
        }
        let server = try await ServerProcess.start(database: url, directory: directory.path, environment: ["SHOPDESK_SHUTDOWN_SECONDS": "20"], jobs: true)
        defer { server.kill() }

        let script = """
            import json, os, signal, socket, sys, time, websocket
            request = json.load(sys.stdin)
            port, result = request['port'], {}
            ws = websocket.create_connection('ws://127.0.0.1:%d/api/v1/realtime' % port, header=['Authorization: Bearer ' + request['token']], timeout=30)
            result['hello'] = json.loads(ws.recv())['type']
            body = json.dumps({'customer': {'email': 'late@example.com'}, 'text': 'sent as the server stops', 'external_id': 'in-flight'}).encode()
            raw = socket.create_connection(('127.0.0.1', port), timeout=30)
            raw.sendall(('POST /api/v1/inboxes/%d/messages HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nX-Inbox-Token: sdi_shutdown\\r\\n'
                         'Content-Type: application/json\\r\\nContent-Length: %d\\r\\n\\r\\n' % (request['inbox'], len(body))).encode() + body[:10])
            time.sleep(0.3)
            os.kill(request['pid'], signal.SIGTERM)
            frames = []
            while True:
                opcode, data = ws.recv_data(control_frame=True)
                if opcode == 8:
                    frames.append('close %d' % int.from_bytes(data[:2], 'big'))
                    break
                frames.append(json.loads(data)['type'])
            result['frames'] = frames
            # The listener closes as the sockets do; within a few seconds nobody new gets in.
            result['new_connection'] = 'accepted'
            deadline = time.time() + 5
            while time.time() < deadline:
                try:
                    socket.create_connection(('127.0.0.1', port), timeout=1).close()
                    time.sleep(0.1)
                except OSError:
                    result['new_connection'] = 'refused'
                    break
            raw.sendall(body[10:])
            result['in_flight'] = raw.recv(4096).decode('latin-1').split('\\r\\n')[0]
            print(json.dumps(result))
            """
        let input = try JSONSerialization.data(withJSONObject: ["port": server.port, "token": token, "inbox": inboxID,
                                                                "pid": Int(server.process.processIdentifier)])
        let started = ContinuousClock.now
        let output = try await Python.run(script, input: String(decoding: input, as: UTF8.self))
        let result = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "the client printed: \(output)")
        #expect(result["hello"] as? String == "hello")
        #expect(result["frames"] as? [String] == ["reconnect", "close 1000"], "\(result)")
        #expect(result["new_connection"] as? String == "refused")
        #expect((result["in_flight"] as? String)?.hasPrefix("HTTP/1.1 201") == true, "\(result)")

        // The process ends by itself, cleanly, well within its deadline.
        var ended = false
        for _ in 0..<300 {
            if !server.process.isRunning { ended = true; break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(ended, "still running \(ContinuousClock.now - started) after SIGTERM")
        if ended { #expect(server.process.terminationReason == .exit && server.process.terminationStatus == 0) }
        let stored = try await Database.with(url: url, logger: TestDatabase.logger) { database in
            try await database.read { try await $0.raw("SELECT COUNT(*) AS n FROM messages WHERE channel_message_id = 'in-flight'").first()?.decode(column: "n", as: Int.self) }
        }
        #expect(stored == 1, "the message acknowledged during the shutdown is stored")
    }
}
