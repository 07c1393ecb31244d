import Foundation
import ShopdeskCore
import ShopdeskMail
@testable import ShopdeskServer
import ShopdeskTestSupport
import Testing

/// Mail we send carries a DKIM signature that an independent verifier (dkimpy from PyPI) accepts.
@Suite("DKIM")
struct DKIMTests {
    static func openssl(_ arguments: [String]) async throws -> Data {
        try await withCheckedThrowingContinuation { continuation in
            // Waiting for openssl must not hold one of the threads that run Swift tasks.
            Thread.detachNewThread {
                continuation.resume(with: Result {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                    process.arguments = ["openssl"] + arguments
                    let output = Pipe()
                    process.standardOutput = output
                    process.standardError = FileHandle.nullDevice
                    try ChildProcess.start(process)
                    let data = output.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    guard process.terminationStatus == 0 else { throw HarnessError("openssl \(arguments.first ?? "") failed") }
                    return data
                })
            }
        }
    }

    @Test func repliesAreSignedAndVerify() async throws {
        guard let sink = try await SMTPSink.start() else { return }
        defer { sink.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dkim-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let key = directory + "/dkim.pem"
        _ = try await Self.openssl(["genrsa", "-out", key, "2048"])
        let publicKey = try await Self.openssl(["rsa", "-in", key, "-pubout", "-outform", "DER"]).base64EncodedString()
        try await Harness.run(.sqlite, configure: { $0.allowPrivateWebhookTargets = true; $0.dkimSelector = "sd2026"; $0.dkimKey = key }) { harness in
            let (mail, _) = try await EmailSendingTests.sendingInbox(harness, sink)
            let first = try await mail.deliver(MailFixture.mail(subject: "Narudžba 1042", id: "dkim-1@example.hr"))
            _ = try await harness.client.json(.post, "/api/v1/conversations/\(try first.int("conversation_id"))/messages", token: harness.ownerToken,
                                              body: #"{"text":"Paket je poslan danas.   \n\nLijep pozdrav  "}"#)
            _ = try await harness.runJobs()
            let sent = try #require(try sink.messages().first)
            let text = String(decoding: sent, as: UTF8.self)
            #expect(text.hasPrefix("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=shop.example; s=sd2026;"), "\(text.prefix(200))")
            let script = """
                import dkim, json, sys
                request = json.load(sys.stdin)
                message = request['message'].encode('utf-8')
                def dns(name, timeout=5):
                    return ('v=DKIM1; k=rsa; p=' + request['key']).encode() if name == b'sd2026._domainkey.shop.example.' else None
                good = dkim.verify(message, dnsfunc=dns)
                tampered = dkim.verify(message.replace(b'Paket je poslan', b'Paket nije poslan'), dnsfunc=dns)
                print(json.dumps({'good': bool(good), 'tampered': bool(tampered)}))
                """
            let request = try JSONSerialization.data(withJSONObject: ["message": text, "key": publicKey])
            let output = try await Python.run(script, input: String(decoding: request, as: UTF8.self), executable: SMTPSink.python)
            let result = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Bool], "\(output)")
            #expect(result["good"] == true && result["tampered"] == false, "\(result)")
        }
    }

    @Test func relaxedCanonicalization() {
        #expect(DKIM.canonicalBody(ArraySlice(Array("a  b \t\r\nc\r\n\r\n\r\n".utf8))) == Array("a b\r\nc\r\n".utf8))
        #expect(DKIM.canonicalBody(ArraySlice([])) == [])
        #expect(DKIM.canonicalHeader(name: "Subject", value: "  Hello \r\n\t  world  ") == "subject:Hello world")
    }
}
