import Foundation
import ShopdeskCore
import ShopdeskStore
import Synchronization

/// The kind of each inbox this server has asked about: every reply checks its channel's limits
/// by the kind, and a kind never changes, so it is read once per inbox instead of with each
/// reply. Kept per server (one database); at most the workspace's few inboxes, never evicted.
final class InboxKindCache: Sendable {
    private let kinds = Mutex<[InboxID: (workspace: WorkspaceID, kind: InboxKind)]>([:])

    /// The inbox's kind if it is the workspace's, else nil.
    func kind(of inbox: InboxID, workspaceID: WorkspaceID, database: Database) async throws -> InboxKind? {
        if let known = kinds.withLock({ $0[inbox] }) { return known.workspace == workspaceID ? known.kind : nil }
        guard let found = try await database.read({ try await InboxRepository.find(workspaceID: workspaceID, id: inbox, in: $0) }) else {
            return nil
        }
        kinds.withLock { $0[inbox] = (found.workspaceID, found.kind) }
        return found.kind
    }
}
