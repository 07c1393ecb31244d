import Foundation
import HTTPTypes
import HummingbirdTesting
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

@Suite("Customers over the API")
struct CustomerAPITests {
    @Test(arguments: TestDatabase.kinds)
    func createSearchEditMergeAndDelete(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let token = harness.ownerToken
            let ivana = try await harness.client.json(.post, "/api/v1/customers", token: token,
                                                      body: #"{"name":"Ivana Kovačević","email":"Ivana@Primjer.hr","phone":"+385 91 555 0101"}"#)
            #expect(ivana.status == .created)
            #expect(try ivana.string("email") == "ivana@primjer.hr")
            let duplicate = try await harness.client.json(.post, "/api/v1/customers", token: token, body: #"{"email":"ivana@primjer.hr"}"#)
            #expect(duplicate.status == .conflict)

            let found = try await harness.client.json(.get, "/api/v1/customers?q=kovacevic", token: token)
            #expect(found.items.count == 1)

            let id = try ivana.int("id")
            let edited = try await harness.client.json(.patch, "/api/v1/customers/\(id)", token: token, body: #"{"name":"Ivana K."}"#)
            #expect(try edited.string("name") == "Ivana K.")

            // A second record for the same person, who wrote in from another address.
            let other = try await harness.inbound(email: "ivana.k@gmail.com", text: "Pozdrav")
            let otherCustomer = try await harness.client.json(.get, "/api/v1/conversations/\(try other.int("conversation_id"))", token: token)
                .int("customer_id")
            #expect(try await harness.client.json(.delete, "/api/v1/customers/\(otherCustomer)", token: token).status == .conflict)
            let merged = try await harness.client.json(.post, "/api/v1/customers/\(otherCustomer)/merge", token: token, body: #"{"into":\#(id)}"#)
            #expect(merged.status == .ok)
            let detail = try await harness.client.json(.get, "/api/v1/customers/\(id)", token: token)
            let identities = (detail.body as? [String: Any])?["identities"] as? [[String: Any]] ?? []
            #expect(identities.compactMap { $0["value"] as? String }.contains("ivana.k@gmail.com"))
            // Mail from the merged address now reaches the surviving customer.
            let again = try await harness.inbound(email: "ivana.k@gmail.com", text: "Još nešto")
            #expect(try again.int("customer_id") == id)

            let lonely = try await harness.client.json(.post, "/api/v1/customers", token: token, body: #"{"phone":"+385 98 111 2222"}"#)
            let agent = try await harness.agent(role: .agent)
            #expect(try await harness.client.json(.delete, "/api/v1/customers/\(try lonely.int("id"))", token: agent.token).status == .forbidden)
            #expect(try await harness.client.json(.delete, "/api/v1/customers/\(try lonely.int("id"))", token: token).status == .noContent)
            #expect(try await harness.client.json(.get, "/api/v1/customers/\(try lonely.int("id"))", token: token).status == .notFound)
        }
    }
}
