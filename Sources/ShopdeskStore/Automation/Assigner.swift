import Foundation
import ShopdeskCore
import SQLKit

/// Gives a conversation to an agent by its team's policy (when the team has one) or its inbox's,
/// inside the write that needs it, and moves that policy's rotation on.
struct Assigner {
    let book: AutomationCache.Book
    let time: Date
    let kind: DatabaseKind
    let sql: any SQLDatabase

    /// Assigns `conversation` when it is open and unassigned (or always, when `force`); returns
    /// the assignment's events (none when the policy is manual or nobody fits).
    func assign(_ conversation: inout Conversation, force: Bool = false) async throws -> [DomainEvent] {
        guard conversation.state.status == .open, conversation.state.mergedInto == nil,
              force || conversation.state.assigneeID == nil else { return [] }
        // The policies come with the book: a workspace that assigns by hand pays no query here.
        var scope = AssignmentRepository.Scope.inbox(conversation.inboxID)
        if let teamID = conversation.state.teamID, book.assignment[AssignmentRepository.Scope.team(teamID).key] != nil {
            scope = .team(teamID)
        }
        guard let policy = book.assignment[scope.key] else { return [] }
        let members: [AgentID]
        switch scope {
        case .inbox(let inbox): members = try await InboxRepository.members(of: inbox, in: sql)
        case .team(let team): members = try await TeamRepository.find(workspaceID: conversation.workspaceID, id: team, in: sql)?.memberIDs ?? []
        }
        let candidates = try await AssignmentRepository.availability(workspaceID: conversation.workspaceID, agents: members, now: time, in: sql)
            .filter { $0.agentID != conversation.state.assigneeID || !force }
            .map { AgentChooser.Candidate(id: $0.agentID, language: $0.language, online: $0.online, load: $0.load, capacity: $0.capacity) }
        guard let agent = AgentChooser.choose(candidates, policy: policy, language: conversation.language,
                                              lastPicked: try await AssignmentRepository.lastPicked(scope, in: sql)) else { return [] }
        try await AssignmentRepository.setLastPicked(agent, scope, in: sql)
        return try await ConversationService.apply([.assign(agent)], to: &conversation, actor: .system, now: time, kind: kind, in: sql)
    }
}

extension ConversationService {
    /// How long an agent may be offline before their open conversations go to someone else.
    public static let offlineGrace: TimeInterval = 5 * 60

    /// Gives open conversations of agents who went offline (or away) to available colleagues,
    /// where the inbox's or team's policy asks for it. Returns whether any policy does (the
    /// sweep comes back only then).
    public func reassignFromOfflineAgents(workspaceID: WorkspaceID, at time: Date) async throws -> Bool {
        let kind = database.kind
        let automation = automation
        let (any, events) = try await database.write { sql -> (Bool, [DomainEvent]) in
            let book = try await automation.book(for: workspaceID, in: sql)
            let scopes = Set(book.assignment.filter { $0.value.reassignWhenOffline }.keys)
            guard !scopes.isEmpty else { return (false, []) }
            let cutoff = time.addingTimeInterval(-Self.offlineGrace).millis
            let rows = try await sql.raw("""
                SELECT c.id FROM conversations c JOIN agents a ON a.id = c.assignee_id
                WHERE c.workspace_id = \(bind: workspaceID.rawValue) AND c.status = 'open' AND c.merged_into IS NULL
                  AND (a.away_at IS NOT NULL OR COALESCE(a.last_seen_at, 0) < \(bind: cutoff) OR a.disabled_at IS NOT NULL)
                ORDER BY c.id LIMIT 500
                """).all()
            var events: [DomainEvent] = []
            for row in rows {
                guard var conversation = try await ConversationRepository.find(workspaceID: workspaceID, id: try row.id("id"), in: sql),
                      scopes.contains(AssignmentRepository.Scope.inbox(conversation.inboxID).key)
                        || conversation.state.teamID.map({ scopes.contains(AssignmentRepository.Scope.team($0).key) }) == true
                else { continue }
                events += try await Assigner(book: book, time: time, kind: kind, sql: sql).assign(&conversation, force: true)
            }
            return (true, try await EventLog.record(events, in: sql))
        }
        await publisher?.publish(events)
        return any
    }
}
