import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskStore

/// Customers: list and search, create, edit, merge.
struct CustomersController {
    let services: AppServices
    let customers: CustomerService

    struct CreateBody: Decodable {
        var name: String?
        var email: String?
        var phone: String?
        var externalId: String?
        var locale: String?
        var tags: [String]?
        var vip: Bool?
    }
    struct MergeBody: Decodable { var into: Int64 }

    func register(_ api: APIRegistrar) {
        let database = services.database
        api.on(.get, "/customers", "Customers, newest first; q searches name, email and phone", tag: "customers",
               query: ["q", "cursor", "limit"]) { request, context in
            let limit = try request.queryInt("limit", default: 50, range: 1...200)
            let before: CustomerID? = try request.queryID("cursor")
            let query = request.queryString("q")
            let ws = context.workspaceID
            let kind = database.kind
            let items = try await database.read {
                try await CustomerRepository.list(workspaceID: ws, query: query, beforeID: before, limit: limit, kind: kind, in: $0)
            }
            return Page(items: items.map { CustomerDTO($0) }, nextCursor: items.count == limit ? items.last.map { String($0.id.rawValue) } : nil)
        }
        api.on(.post, "/customers", "Create a customer", tag: "customers", role: .agent, body: "CreateBody", status: 201) { request, context in
            let body = try await request.decode(as: CreateBody.self, context: context)
            let customer = try await customers.create(
                workspaceID: context.workspaceID,
                identity: CustomerIdentity(name: body.name, email: body.email, phone: body.phone, externalID: body.externalId),
                locale: body.locale, actor: .agent(context.agent.id))
            return Created(body: CustomerDTO(customer))
        }
        api.on(.get, "/customers/{id}", "One customer with identities", tag: "customers") { request, context in
            let customer = try await customer(request, context)
            let identities = try await database.read { try await CustomerRepository.identities(of: customer.id, workspaceID: customer.workspaceID, in: $0) }
            return CustomerDTO(customer, identities: identities)
        }
        api.on(.patch, "/customers/{id}", "Change a customer's name, email, phone, external id, locale, tags or VIP flag", tag: "customers", role: .agent,
               body: "CreateBody") { request, context in
            let customer = try await customer(request, context)
            let body = try await request.decode(as: CreateBody.self, context: context)
            let updated = try await customers.update(
                workspaceID: context.workspaceID, id: customer.id, name: body.name, email: body.email, phone: body.phone,
                externalID: body.externalId, locale: body.locale, tags: body.tags, vip: body.vip, actor: .agent(context.agent.id))
            return CustomerDTO(updated)
        }
        api.on(.delete, "/customers/{id}", "Delete a customer who has no conversations", tag: "customers", role: .admin) { request, context in
            let customer = try await customer(request, context)
            try await customers.delete(workspaceID: context.workspaceID, id: customer.id, actor: .agent(context.agent.id))
            return Response(status: .noContent)
        }
        api.on(.post, "/customers/{id}/erase",
               "Erase a customer's personal data (right to be forgotten): name, identities, messages, files, field values; what support did stays countable",
               tag: "customers", role: .admin, body: "EraseBody") { request, context in
            let customer = try await customer(request, context)
            let body = try await request.decode(as: EraseBody.self, context: context)
            guard body.confirm == true else {
                throw Problem(.unprocessableContent, "Erasing cannot be undone: send \"confirm\": true to erase this customer's data.", field: "confirm")
            }
            let reason = body.reason?.trimmingCharacters(in: .whitespaces).nilIfEmpty ?? "Requested by an admin"
            guard let summary = try await Self.erase(customer.id, workspaceID: context.workspaceID, actor: .agent(context.agent.id),
                                                     reason: String(reason.prefix(500)), services: services) else {
                throw Problem(.notFound, "Customer \(customer.id) was not found.")
            }
            return ErasureDTO(summary)
        }
        api.on(.get, "/customers/{id}/export", "Everything stored about a customer, as JSON (a data request)",
               tag: "customers", role: .admin) { request, context in
            let customer = try await customer(request, context)
            guard let export = try await CustomerExport.read(workspaceID: context.workspaceID, customerID: customer.id, in: database) else {
                throw Problem(.notFound, "Customer \(customer.id) was not found.")
            }
            return ExportDTO(export: export, customerID: customer.id.rawValue)
        }
        api.on(.get, "/customers/{id}/export.zip",
               "Everything stored about a customer in one ZIP: customer.json, the files of their conversations and the emails they sent as they arrived",
               tag: "customers", role: .admin) { request, context in
            let customer = try await customer(request, context)
            guard let export = try await CustomerExport.read(workspaceID: context.workspaceID, customerID: customer.id, in: database) else {
                throw Problem(.notFound, "Customer \(customer.id) was not found.")
            }
            return try await ExportArchive(export: export, customerID: customer.id.rawValue, bytes: Self.archive(export, workspaceID: context.workspaceID, services: services))
        }
        api.on(.post, "/customers/{id}/merge", "Merge this customer into another", tag: "customers", role: .agent, body: "MergeBody") { request, context in
            let source = try await customer(request, context)
            let body = try await request.decode(as: MergeBody.self, context: context)
            let target = try await customers.merge(workspaceID: context.workspaceID, sourceID: source.id, into: CustomerID(body.into),
                                                   actor: .agent(context.agent.id))
            return CustomerDTO(target)
        }
    }

    /// The export's JSON, each file and each original email, in one archive. A file missing from
    /// the store is named in `missing.txt` rather than failing the whole request.
    static func archive(_ export: CustomerExport, workspaceID: WorkspaceID, services: AppServices) async throws -> [UInt8] {
        var zip = ZipArchive()
        try zip.add("customer.json", Array(try ExportDTO.encoder.encode(export)))
        var missing: [String] = []
        for file in export.files {
            do { try zip.add(file.path, Array(try await services.files.load(sha256: file.sha256))) } catch { missing.append(file.path) }
        }
        let receiver = EmailReceiver(services: services)
        for email in export.emails {
            guard let record = try await services.database.read({ try await EmailRepository.find(id: email.id, workspaceID: workspaceID, in: $0) }) else { continue }
            do { try zip.add(email.path, Array(try await receiver.raw(of: record))) } catch { missing.append(email.path) }
        }
        if !missing.isEmpty { try zip.add("missing.txt", Array(("Not in the file store:\n" + missing.joined(separator: "\n") + "\n").utf8)) }
        return try zip.finished()
    }

    struct ExportArchive: ResponseGenerator {
        let export: CustomerExport
        let customerID: Int64
        let bytes: [UInt8]
        func response(from request: Request, context: some RequestContext) throws -> Response {
            Response(status: .ok, headers: [.contentType: "application/zip",
                                            .contentDisposition: "attachment; filename=\"customer-\(customerID).zip\"", .cacheControl: "no-store"],
                     body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }

    /// The export as a file to keep: snake_case JSON, named after the customer.
    struct ExportDTO: ResponseGenerator {
        let export: CustomerExport
        let customerID: Int64
        static var encoder: JSONEncoder {
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.dateEncodingStrategy = .iso8601
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            return encoder
        }

        func response(from request: Request, context: some RequestContext) throws -> Response {
            let encoder = Self.encoder
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8",
                                                   .contentDisposition: "attachment; filename=\"customer-\(customerID).json\"", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(data: try encoder.encode(export))))
        }
    }

    struct EraseBody: Decodable {
        var confirm: Bool?
        var reason: String?
    }

    struct ErasureDTO: ResponseEncodable {
        var customers: Int
        var conversations: Int
        var messages: Int
        var attachments: Int
        var orders: Int
        init(_ summary: ErasureSummary) {
            customers = summary.customers; conversations = summary.conversations; messages = summary.messages
            attachments = summary.attachments; orders = summary.orders
        }
    }

    /// Erases the customer, then the stored files nothing refers to any more.
    static func erase(_ customerID: CustomerID, workspaceID: WorkspaceID, actor: EventActor, reason: String,
                      services: AppServices) async throws -> ErasureSummary? {
        guard let summary = try await CustomerErasure(database: services.database).erase(workspaceID: workspaceID, customerID: customerID,
                                                                                          actor: actor, reason: reason) else { return nil }
        for sha in summary.files { try await services.files.removeIfUnreferenced(sha, database: services.database) }
        return summary
    }

    private func customer(_ request: Request, _ context: AuthenticatedContext) async throws -> Customer {
        try await services.load("Customer", request, context) { try await CustomerRepository.find(workspaceID: $0, id: $1, in: $2) }
    }
}
