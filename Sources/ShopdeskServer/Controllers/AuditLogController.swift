import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskStore

/// Writes the audit log. An entry that cannot be written is logged as an error: the change it
/// describes has already been made and answered.
struct AuditLog {
    let services: AppServices

    func append(_ entry: AuditEntry) async {
        do {
            try await services.database.write { try await AuditLogRepository.append(entry, in: $0) }
        } catch {
            services.logger.error("An audit log entry could not be written", metadata: ["action": "\(entry.action)", "error": "\(error)"])
        }
    }
}

/// Settings → Team → Audit log: who changed what and who signed in, searchable and exportable.
struct AuditLogController {
    let services: AppServices

    struct EntryDTO: Encodable {
        var id: Int64
        var at: Date
        var agentId: Int64?
        var actor: String
        var via: String
        var action: String
        var target: String?
        var summary: String
        var address: String?

        init(_ entry: AuditEntry) {
            id = entry.id; at = entry.at; agentId = entry.agentID?.rawValue; actor = entry.actor; via = entry.via.rawValue
            action = entry.action; target = entry.target; summary = entry.summary; address = entry.address
        }
    }

    func register(_ api: APIRegistrar) {
        api.on(.get, "/audit-log",
               "The audit log, newest first: sign-ins, changes to settings and security, exports (filters: agent_id, action prefix, q, from, to; format=csv)",
               tag: "auth", role: .admin, query: ["agent_id", "action", "q", "from", "to", "cursor", "limit", "format"]) { request, context in
            let filter = AuditLogRepository.Filter(
                agentID: try request.queryID("agent_id"), action: request.queryString("action"), text: request.queryString("q").map { String($0.prefix(100)) },
                from: try request.queryString("from").map(CommerceController.date), to: try request.queryString("to").map(CommerceController.date))
            let ws = context.workspaceID
            if request.queryString("format") == "csv" {
                let entries = try await services.database.read { try await AuditLogRepository.search(workspaceID: ws, filter: filter, before: nil, limit: 10_000, in: $0) }
                return try Self.csv(entries)
            }
            let limit = try request.queryInt("limit", default: 50, range: 1...200)
            let before = try request.queryString("cursor").map { text -> Int64 in
                guard let id = Int64(text) else { throw Problem(.badRequest, "`cursor` is the next_cursor of the previous page.", field: "cursor") }
                return id
            }
            let entries = try await services.database.read { try await AuditLogRepository.search(workspaceID: ws, filter: filter, before: before, limit: limit, in: $0) }
            let response = Page(items: entries.map(EntryDTO.init), nextCursor: entries.count == limit ? entries.last.map { String($0.id) } : nil)
            return try response.response(from: request, context: context)
        }
    }

    /// CSV for spreadsheets (`CSVTable.write`: a cell that starts like a formula is quoted).
    static func csv(_ entries: [AuditEntry]) throws -> Response {
        var rows = [["at", "actor", "agent_id", "via", "action", "target", "summary", "address"]]
        for entry in entries {
            rows.append([Timestamps.iso8601(entry.at), entry.actor, entry.agentID.map { String($0.rawValue) } ?? "", entry.via.rawValue, entry.action,
                         entry.target ?? "", entry.summary, entry.address ?? ""])
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"audit-log.csv\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: CSVTable.write(rows, numericColumns: [2]))))
    }
}
