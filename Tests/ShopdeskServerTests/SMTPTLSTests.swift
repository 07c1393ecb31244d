import Foundation
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskTestSupport
import Testing

/// STARTTLS on the built-in mail receiver, spoken to by Python's smtplib and ssl.
@Suite("SMTP STARTTLS")
struct SMTPTLSTests {
    /// A self-signed certificate for localhost made with the openssl command.
    static func certificate(in directory: String) async throws -> (cert: String, key: String) {
        let cert = directory + "/cert.pem", key = directory + "/key.pem"
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            // Waiting for openssl must not hold one of the threads that run Swift tasks.
            Thread.detachNewThread {
                continuation.resume(with: Result {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                    process.arguments = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                                         "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"]
                    process.standardOutput = FileHandle.nullDevice
                    process.standardError = FileHandle.nullDevice
                    try ChildProcess.start(process)
                    process.waitUntilExit()
                    guard process.terminationStatus == 0 else { throw HarnessError("openssl could not make a test certificate") }
                })
            }
        }
        return (cert, key)
    }

    @Test func mailArrivesOverTLSAndNothingIsSmuggledPastTheHandshake() async throws {
        guard Python.available else { return }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (cert, key) = try await Self.certificate(in: directory)
        let port = try FreePort.pick()
        try await Harness.run(.sqlite, mode: .live, configure: { $0.allowPrivateWebhookTargets = true; $0.smtpPort = port; $0.smtpTLSCertificate = cert; $0.smtpTLSKey = key }) { harness in
            _ = try await MailFixture.make(harness)
            try await EmailChannelTests.waitForPort(port)
            let script = """
                import json, smtplib, ssl, socket, sys
                request = json.load(sys.stdin)
                result = {}
                client = smtplib.SMTP('127.0.0.1', request['port'], timeout=20)
                client.ehlo()
                result['offered'] = client.has_extn('starttls')
                context = ssl.create_default_context()
                context.check_hostname = False
                context.verify_mode = ssl.CERT_NONE
                client.starttls(context=context)
                result['version'] = client.sock.version()
                client.ehlo()
                result['offered_again'] = client.has_extn('starttls')
                refused = client.sendmail('marta@example.hr', ['support@shop.example'], request['message'].encode('utf-8'))
                result['refused'] = str(refused) if refused else None
                client.quit()
                # Commands pipelined behind STARTTLS would reach the session in plaintext: refused.
                raw = socket.create_connection(('127.0.0.1', request['port']), timeout=20)
                raw.recv(1000)
                raw.sendall(b'EHLO x\\r\\n')
                raw.recv(1000)
                raw.sendall(b'STARTTLS\\r\\nMAIL FROM:<eve@example.com>\\r\\n')
                result['smuggled'] = raw.recv(1000).decode()
                print(json.dumps(result))
                """
            let request = try JSONSerialization.data(withJSONObject: ["port": port, "message": MailFixture.mail(id: "tls-1@example.hr", body: "Preko TLS-a.")])
            let output = try await Python.run(script, input: String(decoding: request, as: UTF8.self))
            let result = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
            #expect(result["offered"] as? Bool == true && result["offered_again"] as? Bool == false, "\(result)")
            #expect((result["version"] as? String)?.hasPrefix("TLSv1.") == true, "\(result)")
            #expect(result["refused"] is NSNull, "\(result)")
            #expect((result["smuggled"] as? String)?.hasPrefix("501") == true, "\(result)")
            let list = try await harness.client.json(.get, "/api/v1/conversations?view=all", token: harness.ownerToken)
            #expect(list.items.count == 1)
        }
    }
}
