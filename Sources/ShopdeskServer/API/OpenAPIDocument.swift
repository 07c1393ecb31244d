import Foundation
import ShopdeskCore

/// Builds the OpenAPI 3.1 document from the routes the registrar recorded, so every route that
/// exists is documented with its method, parameters, body, roles and error answers.
enum OpenAPIDocument {
    static func build(_ routes: [RouteDoc]) -> [String: Any] {
        var paths: [String: [String: Any]] = [:]
        for route in routes {
            var operation: [String: Any] = [
                "summary": route.summary,
                "tags": [route.tag],
                "operationId": operationID(route),
            ]
            var parameters: [[String: Any]] = pathParameters(route.path).map {
                // Path ids are all integers.
                ["name": $0, "in": "path", "required": true, "schema": ["type": "integer", "format": "int64"]]
            }
            parameters += route.query.map { ["name": $0, "in": "query", "required": false, "schema": ["type": "string"]] }
            if !parameters.isEmpty { operation["parameters"] = parameters }
            if let body = route.requestBody {
                operation["requestBody"] = body == "binary"
                    ? ["required": true, "content": ["application/octet-stream": ["schema": ["type": "string", "format": "binary"]]]]
                    : ["required": true, "content": ["application/json": ["schema": ["$ref": "#/components/schemas/\(body)"]]]]
            }
            var responses: [String: Any] = [
                String(route.successStatus): ["description": route.successStatus == 204 ? "Done" : "Success"],
                "400": ["$ref": "#/components/responses/Problem"],
                "404": ["$ref": "#/components/responses/Problem"],
            ]
            if let role = route.role {
                responses["401"] = ["$ref": "#/components/responses/Problem"]
                responses["403"] = ["$ref": "#/components/responses/Problem"]
                operation["x-shopdesk-minimum-role"] = role.rawValue
                operation["security"] = [["session": []], ["bearer": []]]
            } else {
                operation["security"] = [[String: Any]]()
            }
            if route.requestBody != nil { responses["422"] = ["$ref": "#/components/responses/Problem"] }
            operation["responses"] = responses
            paths["/api/v1" + route.path, default: [:]][route.method.rawValue.lowercased()] = operation
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "Shopdesk API", "version": "1",
                "description": "Errors are application/problem+json. Cookie-authenticated writes need the X-CSRF-Token header.",
            ],
            "paths": paths,
            "components": [
                "securitySchemes": [
                    "session": ["type": "apiKey", "in": "cookie", "name": "shopdesk_session"],
                    "bearer": ["type": "http", "scheme": "bearer"],
                ],
                "responses": [
                    "Problem": ["description": "An error with a message a person can act on",
                                "content": ["application/problem+json": ["schema": ["$ref": "#/components/schemas/Problem"]]]],
                ],
                "schemas": schemas,
            ],
        ]
    }

    static func pathParameters(_ path: String) -> [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") }.map { String($0.dropFirst().dropLast()) }
    }

    static func operationID(_ route: RouteDoc) -> String {
        let words = route.path.split(separator: "/").map { $0.hasPrefix("{") ? "by_" + $0.dropFirst().dropLast() : String($0) }
        return ([route.method.rawValue.lowercased()] + words).joined(separator: "_")
    }

    private static func object(_ properties: [String: String], required: [String] = []) -> [String: Any] {
        var schema: [String: Any] = ["type": "object", "properties": properties.mapValues { type -> [String: Any] in
            switch type {
            case "string[]": ["type": "array", "items": ["type": "string"]]
            case "integer[]": ["type": "array", "items": ["type": "integer"]]
            default: ["type": type]
            }
        }]
        if !required.isEmpty { schema["required"] = required }
        return schema
    }

    static var schemas: [String: Any] { [
        "Problem": object(["type": "string", "title": "string", "status": "integer", "detail": "string", "field": "string"],
                          required: ["title", "status", "detail"]),
        "LoginBody": object(["email": "string", "password": "string"], required: ["email", "password"]),
        "PasswordBody": object(["current_password": "string", "new_password": "string"], required: ["current_password", "new_password"]),
        "TokenBody": object(["name": "string"], required: ["name"]),
        "CreateAgent": object(["email": "string", "name": "string", "password": "string", "role": "string", "locale": "string"],
                              required: ["email", "name", "password"]),
        "UpdateAgent": object(["name": "string", "role": "string", "locale": "string", "disabled": "boolean"]),
        "UpdateMe": object(["name": "string", "locale": "string"]),
        "CreateInvite": object(["email": "string", "name": "string", "role": "string", "locale": "string"], required: ["email", "name"]),
        "AcceptInvite": object(["token": "string", "password": "string"], required: ["token", "password"]),
        "CreateTeam": object(["name": "string", "member_ids": "integer[]"], required: ["name"]),
        "UpdateTeam": object(["name": "string", "member_ids": "integer[]"]),
        "CreateInbox": object(["name": "string", "kind": "string", "webhook_url": "string", "member_ids": "integer[]"], required: ["name"]),
        "UpdateInbox": object(["name": "string", "webhook_url": "string"]),
        "Members": object(["member_ids": "integer[]"], required: ["member_ids"]),
        "InboundBody": [
            "type": "object", "required": ["customer", "text"],
            "properties": [
                "customer": object(["email": "string", "phone": "string", "name": "string", "external_id": "string"]),
                "subject": ["type": "string"], "text": ["type": "string"], "external_id": ["type": "string"],
                "conversation_id": ["type": "integer"],
            ],
        ],
        "UpdateBody": object(["status": "string", "snooze_until": "string", "priority": "string", "assignee_id": "integer",
                              "team_id": "integer", "tags": "string[]", "add_tags": "string[]", "remove_tags": "string[]"]),
        "MessageBody": object(["text": "string", "private": "boolean", "attachment_ids": "integer[]", "mention_ids": "integer[]"],
                              required: ["text"]),
        "ReadBody": object(["ids": "integer[]", "conversation_id": "integer", "all": "boolean"]),
        "NotificationSettings": object(["email": "boolean"], required: ["email"]),
        "MergeBody": object(["into": "integer"], required: ["into"]),
        // A browser's PushSubscription.toJSON(): its push service address and keys (base64url).
        "SubscribeBody": [
            "type": "object", "required": ["endpoint", "keys"],
            "properties": [
                "endpoint": ["type": "string"], "expirationTime": ["type": ["integer", "null"]],
                "keys": object(["p256dh": "string", "auth": "string"], required: ["p256dh", "auth"]),
            ],
        ],
        "EndpointBody": object(["endpoint": "string"], required: ["endpoint"]),
        "SplitBody": object(["message_id": "integer"], required: ["message_id"]),
        "FieldBody": object(["entity": "string", "key": "string", "label": "string", "kind": "string", "options": "string[]",
                             "required_to_resolve": "boolean", "position": "integer"]),
        // Field key → value (text, number, YYYY-MM-DD, an option, true/false), or null to clear it.
        "ValuesBody": ["type": "object", "additionalProperties": ["type": ["string", "number", "boolean", "null"]]],
        "ScheduleBody": object(["text": "string", "send_at": "string", "attachment_ids": "integer[]"], required: ["send_at"]),
        "ViewBody": [
            "type": "object",
            "properties": [
                "name": ["type": "string"], "sort": ["type": "string"], "layout": ["type": "string", "enum": ["list", "board"]],
                "shared": ["type": "boolean"], "position": ["type": "integer"],
                // A board's columns: a conversation dropdown or checkbox field's key ("" for statuses).
                "board_field": ["type": "string"],
                // Field → values, the list's query fields: status, assignee, channel, tag, sla…
                "filters": ["type": "object", "additionalProperties": ["type": "array", "items": ["type": "string"]]],
            ],
        ],
        "BulkBody": [
            "type": "object", "required": ["ids", "changes"],
            "properties": [
                "ids": ["type": "array", "items": ["type": "integer"]],
                "changes": ["$ref": "#/components/schemas/UpdateBody"],
            ],
        ],
        "CreateBody": object(["name": "string", "email": "string", "phone": "string", "external_id": "string", "locale": "string"]),
        "TagBody": object(["name": "string"], required: ["name"]),
        "DeliveryBody": object(["status": "string", "error": "string"], required: ["status"]),
        "WebhookBody": object(["url": "string", "events": "string[]"], required: ["url", "events"]),
    ] }
}
