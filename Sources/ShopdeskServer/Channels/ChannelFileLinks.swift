import Foundation
import ShopdeskCore
import ShopdeskStore

/// Links from which a provider that takes files by address (Twilio, Viber) fetches the files of
/// a reply: `/api/v1/channels/files/{token}`, the token naming the workspace, the attachment and
/// when it expires, signed with a key derived from the server's secret key for this purpose
/// only. Whoever holds a link may fetch that one file for a day — the provider, and anyone the
/// provider shows the link to, as with any file sent over a messenger. Served as a download.
struct ChannelFileLinks {
    static let lifetime: TimeInterval = 24 * 3600
    static let purpose = "channel-file"
    let services: AppServices

    func register(_ api: APIRegistrar) {
        api.onPublic(.get, "/channels/files/{token}", "A reply's file, for the messaging provider that sends it (a signed link valid for a day)",
                     tag: "channels") { _, context in
            guard let (workspaceID, attachmentID) = try open(context.parameters.get("token") ?? "", now: Date()),
                  let record = try await services.database.read({
                      try await AttachmentRepository.find(workspaceID: workspaceID, id: attachmentID, in: $0)
                  }) else {
                throw Problem(.notFound, "This file link is unknown or has expired.")
            }
            return try await AttachmentsController.download(record, services: services)
        }
    }

    /// The link to one attachment, or nil when the server has no public URL to put in it.
    func url(workspaceID: WorkspaceID, attachmentID: AttachmentID, now: Date) throws -> String? {
        guard let base = ChannelSetup(services: services).publicBase else { return nil }
        let payload = "\(workspaceID.rawValue)-\(attachmentID.rawValue)-\(Int(now.addingTimeInterval(Self.lifetime).timeIntervalSince1970))"
        return "\(base)/api/v1/channels/files/\(payload)-\(try services.secretBox().sign(payload, purpose: Self.purpose).prefix(32))"
    }

    /// The workspace and attachment a link names, if its signature holds and it has not expired.
    func open(_ token: String, now: Date) throws -> (WorkspaceID, AttachmentID)? {
        let parts = token.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4, let workspace = Int64(parts[0]), let attachment = Int64(parts[1]), let expires = Int64(parts[2]),
              TimeInterval(expires) > now.timeIntervalSince1970 else { return nil }
        let payload = parts[0...2].joined(separator: "-")
        let expected = String(try services.secretBox().sign(payload, purpose: Self.purpose).prefix(32))
        guard Secrets.constantTimeEquals(String(parts[3]), expected) else { return nil }
        return (WorkspaceID(workspace), AttachmentID(attachment))
    }
}
