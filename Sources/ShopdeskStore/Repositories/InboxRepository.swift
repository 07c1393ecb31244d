import Foundation
import ShopdeskCore
import SQLKit

/// Inboxes and who may see them. Agents and viewers see only the inboxes they are members of;
/// admins and owners see all of their workspace's.
public enum InboxRepository {
    /// The columns `decode` reads (see `ConversationRepository.columns` for why not `*`).
    static let columns: SQLQueryString = "id, workspace_id, kind, name, webhook_url, created_at, widget_key, settings"

    public static func create(
        workspaceID: WorkspaceID, kind: InboxKind, name: String, webhookURL: String?, secret: String, now: Date,
        chat: ChatSettings? = nil, email: EmailSettings? = nil, channel: ChannelSettings? = nil, widgetKey: String? = nil,
        in sql: any SQLDatabase
    ) async throws -> Inbox {
        guard let row = try await sql.raw("""
            INSERT INTO inboxes (workspace_id, kind, name, webhook_url, secret, created_at, settings, widget_key)
            VALUES (\(bind: workspaceID.rawValue), \(bind: kind.rawValue), \(bind: name), \(bind: webhookURL), \(bind: secret),
              \(bind: now.millis), \(bind: try encodeSettings(chat: chat, email: email, channel: channel)), \(bind: widgetKey)) RETURNING \(columns)
            """).first() else { throw StoredValueError(column: "inboxes.id", value: "missing") }
        return try decode(row)
    }

    public static func find(workspaceID: WorkspaceID, id: InboxID, in sql: any SQLDatabase) async throws -> Inbox? {
        try await sql.raw("""
            SELECT \(columns) FROM inboxes WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id.rawValue)
            """).first().map(decode)
    }

    /// Whether the inbox is the workspace's, without reading and decoding its settings.
    public static func exists(workspaceID: WorkspaceID, id: InboxID, in sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("""
            SELECT 1 AS found FROM inboxes WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id.rawValue)
            """).first() != nil
    }

    public static func list(workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> [Inbox] {
        try await sql.raw("SELECT \(columns) FROM inboxes WHERE workspace_id = \(bind: workspaceID.rawValue) ORDER BY id").all().map(decode)
    }

    public static func update(_ inbox: Inbox, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE inboxes SET name = \(bind: inbox.name), webhook_url = \(bind: inbox.webhookURL),
              settings = \(bind: try encodeSettings(chat: inbox.chat, email: inbox.email, channel: inbox.channel))
            WHERE id = \(bind: inbox.id.rawValue) AND workspace_id = \(bind: inbox.workspaceID.rawValue)
            """).run()
    }

    public static func members(of inbox: InboxID, in sql: any SQLDatabase) async throws -> [AgentID] {
        try await sql.raw("SELECT agent_id FROM inbox_members WHERE inbox_id = \(bind: inbox.rawValue) ORDER BY agent_id")
            .all().map { try $0.id("agent_id") }
    }

    public static func setMembers(of inbox: InboxID, workspaceID: WorkspaceID, to agents: [AgentID], in sql: any SQLDatabase) async throws {
        guard try await sql.raw("SELECT id FROM inboxes WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: inbox.rawValue)")
            .first() != nil else { throw ShopdeskError.notFound("Inbox \(inbox)") }
        try await sql.raw("""
            DELETE FROM inbox_members WHERE inbox_id = \(bind: inbox.rawValue)
              AND inbox_id IN (SELECT id FROM inboxes WHERE workspace_id = \(bind: workspaceID.rawValue))
            """).run()
        for agent in Set(agents) {
            try await sql.raw("INSERT INTO inbox_members (inbox_id, agent_id) VALUES (\(bind: inbox.rawValue), \(bind: agent.rawValue))").run()
        }
    }

    /// The inboxes an agent may see; nil means all of the workspace's (admins and owners).
    public static func visibleInboxes(for agent: Agent, in sql: any SQLDatabase) async throws -> [InboxID]? {
        guard agent.role < .admin else { return nil }
        return try await sql.raw("SELECT inbox_id FROM inbox_members WHERE agent_id = \(bind: agent.id.rawValue)")
            .all().map { try $0.id("inbox_id") }
    }

    /// The inbox's shared secret (HMAC key for its channel).
    public static func secret(of inbox: InboxID, in sql: any SQLDatabase) async throws -> String? {
        try await sql.raw("SELECT secret FROM inboxes WHERE id = \(bind: inbox.rawValue)").first().map { try $0.string("secret") }
    }

    /// A chat inbox by the public key of its widget.
    public static func find(widgetKey: String, in sql: any SQLDatabase) async throws -> Inbox? {
        try await sql.raw("SELECT \(columns) FROM inboxes WHERE widget_key = \(bind: widgetKey) AND kind = 'chat'").first().map(decode)
    }

    static func decode(_ row: any SQLRow) throws -> Inbox {
        var inbox = Inbox(id: try row.id("id"), workspaceID: try row.id("workspace_id"), kind: try row.enumValue("kind"),
                          name: try row.string("name"), webhookURL: try row.stringOrNil("webhook_url"), createdAt: try row.date("created_at"))
        inbox.widgetKey = try row.stringOrNil("widget_key")
        if let settings = try row.stringOrNil("settings") {
            do {
                switch inbox.kind {
                case .chat: inbox.chat = try JSONCoding.decode(ChatSettings.self, from: settings)
                case .email: inbox.email = try JSONCoding.decode(EmailSettings.self, from: settings)
                case .api: break
                default: inbox.channel = try JSONCoding.decode(ChannelSettings.self, from: settings)
                }
            } catch {
                throw StoredValueError(column: "inboxes.settings", value: settings)
            }
        }
        return inbox
    }

    static func encodeSettings(chat: ChatSettings?, email: EmailSettings?, channel: ChannelSettings?) throws -> String? {
        if let chat { return try JSONCoding.string(chat) }
        if let channel { return try JSONCoding.string(channel) }
        return try email.map { try JSONCoding.string($0) }
    }

    /// The email inbox that receives mail for `recipient`, in any workspace.
    public static func emailInbox(receiving recipient: String, in sql: any SQLDatabase) async throws -> Inbox? {
        try await sql.raw("SELECT \(columns) FROM inboxes WHERE kind = 'email'").all().map(decode).first { $0.email?.receives(recipient) == true }
    }
}

/// Teams of agents.
public enum TeamRepository {
    public static func create(workspaceID: WorkspaceID, name: String, now: Date, in sql: any SQLDatabase) async throws -> Team {
        if try await sql.raw("SELECT id FROM teams WHERE workspace_id = \(bind: workspaceID.rawValue) AND name = \(bind: name)").first() != nil {
            throw ShopdeskError.conflict("A team named \(name) already exists.").because("team_name_taken", ["name": name])
        }
        guard let row = try await sql.raw("""
            INSERT INTO teams (workspace_id, name, created_at) VALUES (\(bind: workspaceID.rawValue), \(bind: name), \(bind: now.millis))
            RETURNING id
            """).first() else { throw StoredValueError(column: "teams.id", value: "missing") }
        return Team(id: try row.id("id"), workspaceID: workspaceID, name: name, memberIDs: [])
    }

    public static func find(workspaceID: WorkspaceID, id: TeamID, in sql: any SQLDatabase) async throws -> Team? {
        guard let row = try await sql.raw("""
            SELECT * FROM teams WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id.rawValue)
            """).first() else { return nil }
        let members = try await sql.raw("SELECT agent_id FROM team_members WHERE team_id = \(bind: id.rawValue) ORDER BY agent_id")
            .all().map { try $0.id("agent_id") as AgentID }
        return Team(id: id, workspaceID: workspaceID, name: try row.string("name"), memberIDs: members)
    }

    public static func list(workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> [Team] {
        var teams: [Team] = []
        for row in try await sql.raw("SELECT id FROM teams WHERE workspace_id = \(bind: workspaceID.rawValue) ORDER BY id").all() {
            if let team = try await find(workspaceID: workspaceID, id: try row.id("id"), in: sql) { teams.append(team) }
        }
        return teams
    }

    public static func update(_ team: Team, in sql: any SQLDatabase) async throws {
        guard try await sql.raw("""
            UPDATE teams SET name = \(bind: team.name) WHERE workspace_id = \(bind: team.workspaceID.rawValue) AND id = \(bind: team.id.rawValue) RETURNING id
            """).first() != nil else { throw ShopdeskError.notFound("Team \(team.id)") }
        try await sql.raw("""
            DELETE FROM team_members WHERE team_id = \(bind: team.id.rawValue)
              AND team_id IN (SELECT id FROM teams WHERE workspace_id = \(bind: team.workspaceID.rawValue))
            """).run()
        for agent in Set(team.memberIDs) {
            try await sql.raw("INSERT INTO team_members (team_id, agent_id) VALUES (\(bind: team.id.rawValue), \(bind: agent.rawValue))").run()
        }
    }
}

extension InboxRepository {
    /// Looks an inbox up by id alone, for channel endpoints that authenticate with the inbox's
    /// own secret rather than as an agent of a workspace.
    public static func findAnyWorkspace(id: InboxID, in sql: any SQLDatabase) async throws -> (workspaceID: WorkspaceID, secret: String)? {
        try await sql.raw("SELECT workspace_id, secret FROM inboxes WHERE id = \(bind: id.rawValue)").first().map {
            (try $0.id("workspace_id"), try $0.string("secret"))
        }
    }
}
