import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskStore

/// Custom fields: their definitions (admins), and their values on a conversation or customer.
/// Lists filter by them as `custom.<key>=value`.
struct CustomFieldsController {
    let services: AppServices

    struct FieldBody: Decodable {
        var entity: CustomField.Entity?
        var key: String?
        var label: String?
        var kind: CustomField.Kind?
        var options: [String]?
        var requiredToResolve: Bool?
        var position: Int?
    }

    struct FieldDTO: ResponseEncodable {
        var id: Int64
        var entity: String
        var key: String
        var label: String
        var kind: String
        var options: [String]
        var requiredToResolve: Bool
        var position: Int

        init(_ field: CustomField) {
            id = field.id; entity = field.entity.rawValue; key = field.key; label = field.label; kind = field.kind.rawValue
            options = field.options; requiredToResolve = field.requiredToResolve; position = field.position
        }
    }

    /// Values by key; a value may be null to clear it. Keys are field keys, read as written (`RawKeys`).
    struct ValuesBody: Decodable {
        var values: [String: String?]

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: RawKeys.Key.self)
            var values: [String: String?] = [:]
            for key in container.allKeys {
                let name = RawKeys.written(key.stringValue)
                if try container.decodeNil(forKey: key) {
                    values[name] = .some(nil)
                } else if let flag = try? container.decode(Bool.self, forKey: key) {
                    values[name] = String(flag)
                } else if let number = try? container.decode(Double.self, forKey: key) {
                    values[name] = number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
                } else {
                    values[name] = try container.decode(String.self, forKey: key)
                }
            }
            self.values = values
        }
    }

    struct ValuesDTO: ResponseEncodable { var values: [String: String] }

    func register(_ api: APIRegistrar) {
        let services = services
        let database = services.database
        api.on(.get, "/custom-fields", "The workspace's custom fields of conversations and customers", tag: "custom-fields") { _, context in
            let ws = context.workspaceID
            return Page(items: try await database.read { try await CustomFieldRepository.list(workspaceID: ws, in: $0) }.map(FieldDTO.init),
                        nextCursor: nil)
        }
        api.on(.post, "/custom-fields", "Add a field: entity (conversation, customer), key, label, kind (text, number, date, dropdown, checkbox)",
               tag: "custom-fields", role: .admin, body: "FieldBody", status: 201) { request, context in
            let body = try await request.decode(as: FieldBody.self, context: context)
            guard let entity = body.entity, let kind = body.kind else {
                throw Problem(.unprocessableContent, "A field needs an entity (conversation or customer) and a kind (text, number, date, dropdown, checkbox).",
                              field: body.entity == nil ? "entity" : "kind")
            }
            let ws = context.workspaceID
            let field = try await database.write {
                try await CustomFieldRepository.create(workspaceID: ws, entity: entity, key: body.key ?? "", label: body.label ?? "", kind: kind,
                                                       options: body.options ?? [], requiredToResolve: body.requiredToResolve ?? false,
                                                       now: Date(), in: $0)
            }
            return Created(body: FieldDTO(field))
        }
        api.on(.patch, "/custom-fields/{id}", "Change a field's label, options, place or whether resolving needs it (key and kind stay)",
               tag: "custom-fields", role: .admin, body: "FieldBody") { request, context in
            let id = try request.number(context: context, "Custom field")
            let body = try await request.decode(as: FieldBody.self, context: context)
            let ws = context.workspaceID
            guard var field = try await database.read({ try await CustomFieldRepository.find(workspaceID: ws, id: id, in: $0) }) else {
                throw Problem(.notFound, "Custom field \(id) was not found.")
            }
            guard (body.key == nil || body.key == field.key), (body.kind == nil || body.kind == field.kind), (body.entity == nil || body.entity == field.entity) else {
                throw Problem(.unprocessableContent, "A field's key, kind and entity stay as they were made; add a new field instead.", field: "key")
            }
            field.label = body.label ?? field.label
            field.options = body.options ?? field.options
            field.requiredToResolve = body.requiredToResolve ?? field.requiredToResolve
            field.position = body.position ?? field.position
            let changed = field
            try await database.write { try await CustomFieldRepository.update(changed, workspaceID: ws, in: $0) }
            return FieldDTO(try await database.read { try await CustomFieldRepository.find(workspaceID: ws, id: id, in: $0) } ?? changed)
        }
        api.on(.delete, "/custom-fields/{id}", "Delete a field and every value of it", tag: "custom-fields", role: .admin) { request, context in
            let id = try request.number(context: context, "Custom field")
            let ws = context.workspaceID
            guard try await database.read({ try await CustomFieldRepository.find(workspaceID: ws, id: id, in: $0) }) != nil else {
                throw Problem(.notFound, "Custom field \(id) was not found.")
            }
            try await database.write { try await CustomFieldRepository.delete(workspaceID: ws, id: id, in: $0) }
            return Response(status: .noContent)
        }
        api.on(.get, "/conversations/{id}/fields", "The conversation's custom field values by key", tag: "custom-fields") { request, context in
            let conversation = try await services.conversation(try request.id(context: context, "Conversation"), context)
            let ws = context.workspaceID
            return ValuesDTO(values: try await database.read {
                try await CustomFieldRepository.values(workspaceID: ws, entity: .conversation, id: conversation.id.rawValue, in: $0)
            })
        }
        api.on(.patch, "/conversations/{id}/fields", "Set custom field values by key (null clears one)", tag: "custom-fields", role: .agent,
               body: "ValuesBody") { request, context in
            let conversation = try await services.conversation(try request.id(context: context, "Conversation"), context)
            let body = try await request.decode(as: ValuesBody.self, context: context)
            return ValuesDTO(values: try await services.conversations.setFields(
                workspaceID: context.workspaceID, conversationID: conversation.id, changes: body.values, actor: .agent(context.agent.id)))
        }
        api.on(.get, "/customers/{id}/fields", "The customer's custom field values by key", tag: "custom-fields") { request, context in
            let id: CustomerID = try request.id(context: context, "Customer")
            let ws = context.workspaceID
            guard try await database.read({ try await CustomerRepository.find(workspaceID: ws, id: id, in: $0) }) != nil else {
                throw Problem(.notFound, "Customer \(id) was not found.")
            }
            return ValuesDTO(values: try await database.read {
                try await CustomFieldRepository.values(workspaceID: ws, entity: .customer, id: id.rawValue, in: $0)
            })
        }
        api.on(.patch, "/customers/{id}/fields", "Set the customer's custom field values by key (null clears one)", tag: "custom-fields",
               role: .agent, body: "ValuesBody") { request, context in
            let id: CustomerID = try request.id(context: context, "Customer")
            let body = try await request.decode(as: ValuesBody.self, context: context)
            return ValuesDTO(values: try await CustomerService(database: database, publisher: services.hub).setFields(
                workspaceID: context.workspaceID, customerID: id, changes: body.values, actor: .agent(context.agent.id)))
        }
    }
}
