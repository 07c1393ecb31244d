import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ShopdeskCore
import ShopdeskStore

/// Attachment upload and download. Bytes are stored by SHA-256 under the data directory, never
/// under a name the user chose, and always served as a download.
struct AttachmentsController {
    let services: AppServices

    /// Types we recognise from the first bytes; anything else is served as a generic binary.
    static let allowedTypes: Set<String> = [
        "image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain", "text/csv",
        "application/zip", "application/octet-stream", "audio/ogg", "audio/mpeg", "audio/mp4", "audio/wav", "audio/amr", "video/mp4",
    ]

    func register(_ api: APIRegistrar) {
        api.on(.post, "/attachments", "Upload a file (raw body; its name, percent-encoded UTF-8, in X-File-Name) to attach to a reply", tag: "attachments",
               role: .agent, body: "binary", status: 201) { request, context in
            let record = try await Self.receive(request, services: services, workspaceID: context.workspaceID, agentID: context.agent.id,
                                                visitorID: nil)
            return Created(body: AttachmentDTO(record))
        }
        api.on(.get, "/attachments/{id}", "An attachment's details", tag: "attachments") { request, context in
            AttachmentDTO(try await attachment(request, context))
        }
        api.on(.get, "/attachments/{id}/download", "The file, always as a download", tag: "attachments") { request, context in
            try await Self.download(try await attachment(request, context), services: services)
        }
    }

    /// Stores an uploaded body (an agent's or a chat visitor's) and records it, unattached.
    static func receive(
        _ request: Request, services: AppServices, workspaceID: WorkspaceID, agentID: AgentID?, visitorID: Int64?
    ) async throws -> AttachmentRecord {
        let limit = services.config.maxUploadBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw Problem(.contentTooLarge, "Files can be at most \(limit / 1024 / 1024) MB.")
        }
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: limit) } catch {
            throw Problem(.contentTooLarge, "Files can be at most \(limit / 1024 / 1024) MB.")
        }
        guard buffer.readableBytes > 0 else { throw Problem(.unprocessableContent, "The file is empty.") }
        let data = Data(buffer.readableBytesView)
        // Header values are Latin-1 at best, so names arrive percent-encoded UTF-8 ("Ra%C4%8Dun.pdf").
        let rawName = request.headers[HTTPField.Name("X-File-Name")!] ?? "file"
        let name = Self.safeFileName(rawName.removingPercentEncoding ?? rawName)
        let type = Self.sniff(data, declared: request.headers[.contentType])
        let digest = Secrets.hex(SHA256.hash(data: data))
        try await services.files.store(data, sha256: digest)
        return try await services.database.write {
            try await AttachmentRepository.create(workspaceID: workspaceID, sha256: digest, fileName: name, contentType: type,
                                                  size: Int64(data.count), uploadedBy: agentID, visitorID: visitorID, now: Date(), in: $0)
        }
    }

    /// The bytes, as a download that a browser never renders in our origin.
    static func download(_ record: AttachmentRecord, services: AppServices) async throws -> Response {
        let data = try await services.files.load(sha256: record.sha256)
        let ascii = record.fileName.unicodeScalars.map { $0.isASCII && $0.value >= 32 && $0 != "\"" && $0 != "\\" ? String($0) : "_" }.joined()
        let encoded = record.fileName.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "file"
        return Response(status: .ok, headers: [
            .contentType: record.contentType,
            .contentDisposition: "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            .contentSecurityPolicy: "default-src 'none'; sandbox",
            .cacheControl: "private, max-age=3600",
        ], body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    /// Attachments of conversations in inboxes the agent cannot see answer 404, like the conversation.
    private func attachment(_ request: Request, _ context: AuthenticatedContext) async throws -> AttachmentRecord {
        let id: AttachmentID = try request.id(context: context, "Attachment")
        let ws = context.workspaceID
        guard let record = try await services.database.read({ try await AttachmentRepository.find(workspaceID: ws, id: id, in: $0) }) else {
            throw Problem(.notFound, "Attachment \(id) was not found.")
        }
        if let messageID = record.messageID {
            guard let message = try await services.database.read({ try await MessageRepository.find(workspaceID: ws, id: messageID, in: $0) }) else {
                throw Problem(.notFound, "Attachment \(id) was not found.")
            }
            _ = try await services.conversation(message.conversationID, context)
        }
        return record
    }

    static func safeFileName(_ raw: String) -> String {
        let decoded = raw.removingPercentEncoding ?? raw
        let base = decoded.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? "file"
        let cleaned = Text.singleLine(base).trimmingCharacters(in: CharacterSet(charactersIn: ". "))
        return cleaned.isEmpty ? "file" : String(cleaned.prefix(200))
    }

    /// The content type from the file's first bytes; a declared HTML or SVG type is never trusted.
    static func sniff(_ data: Data, declared: String?) -> String {
        let bytes = [UInt8](data.prefix(12))
        func starts(_ prefix: [UInt8]) -> Bool { bytes.starts(with: prefix) }
        if starts([0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        if starts([0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if starts(Array("GIF8".utf8)) { return "image/gif" }
        if starts(Array("RIFF".utf8)), bytes.count >= 12, Array(bytes[8..<12]) == Array("WEBP".utf8) { return "image/webp" }
        if starts(Array("%PDF".utf8)) { return "application/pdf" }
        if starts([0x50, 0x4B, 0x03, 0x04]) { return "application/zip" }
        // Voice notes and audio from the messaging channels, played in the thread.
        if starts(Array("OggS".utf8)) { return "audio/ogg" }
        if starts(Array("ID3".utf8)) || starts([0xFF, 0xFB]) || starts([0xFF, 0xF3]) || starts([0xFF, 0xF2]) { return "audio/mpeg" }
        if starts(Array("RIFF".utf8)), bytes.count >= 12, Array(bytes[8..<12]) == Array("WAVE".utf8) { return "audio/wav" }
        if starts(Array("#!AMR".utf8)) { return "audio/amr" }
        if bytes.count >= 12, Array(bytes[4..<8]) == Array("ftyp".utf8) {
            return Array(bytes[8..<12]) == Array("M4A ".utf8) ? "audio/mp4" : "video/mp4"
        }
        let declaredType = declared?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if let declaredType, ["text/plain", "text/csv"].contains(declaredType), String(data: data, encoding: .utf8) != nil {
            return declaredType
        }
        return "application/octet-stream"
    }
}
