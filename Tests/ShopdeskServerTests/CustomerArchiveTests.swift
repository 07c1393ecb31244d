import Foundation
import HTTPTypes
import NIOCore
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// A customer's data export as one ZIP archive, read back by Python's zipfile (which checks every
/// entry's CRC): the JSON, the files of their conversations byte for byte, and the emails they
/// sent exactly as they arrived.
@Suite("Customers: the export archive")
struct CustomerArchiveTests {
    @Test(arguments: TestDatabase.kinds)
    func theArchiveHoldsTheJSONEveryFileAndTheOriginalEmails(kind: DatabaseKind) async throws {
        guard Python.available else { return }
        try await Harness.run(kind) { harness in
            let mail = try await MailFixture.make(harness)
            let pdf = "%PDF-1.4 the invoice \(UUID())"
            let raw = """
                From: Marta Horvat <marta@example.hr>\r
                To: support@shop.example\r
                Subject: Račun\r
                Message-ID: <archive-\(UUID())@example.hr>\r
                MIME-Version: 1.0\r
                Content-Type: multipart/mixed; boundary="b"\r
                \r
                --b\r
                Content-Type: text/plain; charset=utf-8\r
                \r
                U prilogu je račun.\r
                --b\r
                Content-Type: application/pdf; name="račun 1042.pdf"\r
                Content-Disposition: attachment; filename="../račun 1042.pdf"\r
                Content-Transfer-Encoding: base64\r
                \r
                \(Data(pdf.utf8).base64EncodedString())\r
                --b--\r

                """
            let delivered = try await mail.deliver(raw)
            #expect(delivered.status == .created || delivered.status == .ok, "\(delivered.text)")
            let conversation = try await harness.firstConversationID()
            let detail = try await harness.client.json(.get, "/api/v1/conversations/\(conversation)", token: harness.ownerToken)
            let customer = try detail.int("customer_id")
            let agent = try await harness.agent(role: .agent)
            let refused = try await harness.client.execute(uri: "/api/v1/customers/\(customer)/export.zip", method: .get,
                                                           headers: [.authorization: "Bearer \(agent.token)"]) { $0.status }
            #expect(refused == .forbidden, "only admins export")

            let archive = try await harness.client.execute(uri: "/api/v1/customers/\(customer)/export.zip", method: .get,
                                                           headers: [.authorization: "Bearer \(harness.ownerToken)"]) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "application/zip")
                return Data(response.body.readableBytesView)
            }
            let script = """
                import base64, io, json, sys, zipfile
                archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(sys.stdin.read())))
                bad = archive.testzip()
                names = archive.namelist()
                customer = json.loads(archive.read('customer.json'))
                files = {name: base64.b64encode(archive.read(name)).decode() for name in names if name != 'customer.json'}
                print(json.dumps({'bad': bad, 'names': names, 'email': customer['email'], 'files': files,
                                  'listed': [f['path'] for f in customer['files']] + [e['path'] for e in customer['emails']],
                                  'events': len(customer['conversations'][0]['events'])}))
                """
            let output = try await Python.run(script, input: archive.base64EncodedString())
            let result = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "zipfile said: \(output)")
            #expect(result["bad"] is NSNull, "every entry's CRC checks out")
            #expect(result["email"] as? String == "marta@example.hr")
            #expect((result["events"] as? Int ?? 0) >= 1, "the timeline is in the export")
            let names = result["names"] as? [String] ?? []
            #expect(Set(names) == Set(["customer.json"] + (result["listed"] as? [String] ?? [])), "\(names)")
            let files = result["files"] as? [String: String] ?? [:]
            let attachment = try #require(names.first { $0.hasPrefix("attachments/") })
            #expect(!attachment.contains("..") && attachment.hasSuffix("račun 1042.pdf"), "no directories from the sender's file name: \(attachment)")
            #expect(files[attachment].flatMap { Data(base64Encoded: $0) } == Data(pdf.utf8))
            let email = try #require(names.first { $0.hasPrefix("emails/") })
            #expect(files[email].flatMap { Data(base64Encoded: $0) } == Data(raw.utf8), "the email as it arrived")

            // The export is in the audit log.
            let audit = try await harness.client.json(.get, "/api/v1/audit-log", token: harness.ownerToken)
            #expect(audit.text.contains("export.zip"), "\(audit.text.prefix(500))")
        }
    }
}
