import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdWebSocket
import NIOCore
import ShopdeskCore
import ShopdeskStore

/// `GET /api/v1/realtime`: a WebSocket that pushes the workspace's events to an agent.
///
/// The browser sends its session cookie with the upgrade (API clients a bearer token). Agents
/// may send `{"type":"presence","conversation_id":1,"state":"viewing"|"typing"|"left"}`, which is
/// relayed to their colleagues as `presence` for collision detection.
struct RealtimeController {
    let services: AppServices

    /// `reply` is true while the agent writes a reply (not a note): only then does a chat
    /// visitor see "typing".
    struct ClientMessage: Decodable { var type: String; var conversationId: Int64?; var state: String?; var reply: Bool? }

    func register(on router: Router<AppRequestContext>, _ api: APIRegistrar) {
        api.document(RouteDoc(method: .get, path: "/realtime", summary: "WebSocket of the workspace's events (message, conversation, presence)",
                              tag: "realtime", role: .viewer, requestBody: nil, successStatus: 101))
        router.ws("api/v1/realtime") { request, context in
            guard let principal = context.principal else {
                throw Problem(.unauthorized, "Sign in first: the WebSocket needs the session cookie or a bearer token.")
            }
            // Browsers send cookies with WebSocket handshakes that other sites start; a
            // cookie-authenticated socket must come from a page of this server.
            if principal.sessionID != nil, !Self.sameOrigin(request.headers[values: .origin], authority: request.head.authority) {
                throw Problem(.forbidden, "This WebSocket only accepts pages served by this Shopdesk.")
            }
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            guard let principal = context.requestContext.principal else { return }
            // `after`: the last event id the client saw before it lost its connection.
            let after = context.request.uri.queryParameters.get("after").flatMap { Int64($0) }
            try await session(inbound: inbound, outbound: outbound, principal: principal, after: after)
        }
    }

    /// Whether this agent's socket may carry the message: a notification only to its agent, a
    /// conversation's events only where the agent sees its inbox.
    static func isFor(_ principal: Principal, _ message: RealtimeMessage, _ visibility: VisibilityCache) async -> Bool {
        if message.type == DomainEventKind.notificationCreated.rawValue, message.payload["agent_id"] != .id(principal.agent.id) { return false }
        return await visibility.allows(message)
    }

    /// Whether a cookie-authenticated handshake comes from a page of this server: no Origin
    /// (not a browser) or exactly one whose host is the requested host.
    static func sameOrigin(_ origins: [String], authority: String?) -> Bool {
        guard !origins.isEmpty else { return true }
        guard origins.count == 1, !origins[0].contains(","), let originHost = URLComponents(string: origins[0])?.host,
              let requestHost = authority?.split(separator: ":").first else { return false }
        return originHost.lowercased() == requestHost.lowercased()
    }

    /// A reconnect missing more events than this is told to read everything again (`resync`).
    static let replayLimit = 500

    private func session(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, principal: Principal, after: Int64?) async throws {
        let workspaceID = principal.agent.workspaceID
        let visible = try await services.database.read { try await InboxRepository.visibleInboxes(for: principal.agent, in: $0) }
        let (id, stream) = await services.hub.subscribe(workspaceID: workspaceID)
        defer { Task { [hub = services.hub] in await hub.unsubscribe(workspaceID: workspaceID, id: id) } }
        let visibleConversations = VisibilityCache(database: services.database, workspaceID: workspaceID, visibleInboxes: visible)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // "hello" promises every event from now on, other nodes' included, and names the
                // newest event so far: the client's cursor for a later reconnect.
                await services.hub.untilRelaying(timeout: .seconds(5))
                let newest = try await services.database.read { try await EventLog.newestID(workspaceID: workspaceID, in: $0) }
                try await outbound.write(.text(
                    #"{"type":"hello","agent_id":\#(principal.agent.id.rawValue),"last_event_id":\#(newest ?? 0),"replay":\#(after != nil)}"#))
                // Back after a drop: what happened meanwhile, from the event log, before the live stream.
                var replayed = Set<Int64>()
                if let after {
                    let missed = try await services.database.read {
                        try await EventLog.since(workspaceID: workspaceID, after: after, limit: Self.replayLimit + 1, in: $0)
                    }
                    if missed.count > Self.replayLimit {
                        try await outbound.write(.text(#"{"type":"resync"}"#))
                    } else {
                        for event in missed {
                            var message = RealtimeMessage(
                                id: event.id?.rawValue, workspaceId: workspaceID.rawValue, type: event.kind.rawValue,
                                conversationId: event.conversationID?.rawValue, payload: event.payload,
                                actor: .init(type: event.actor.kind, id: event.actor.rawID), at: event.occurredAt, origin: nil)
                            if let conversation = message.conversationId { message.inboxId = await services.hub.inbox(of: conversation) }
                            if let id = message.id { replayed.insert(id) }
                            guard await Self.isFor(principal, message, visibleConversations) else { continue }
                            try await outbound.write(.text(String(decoding: try APIJSON.encoder().encode(message), as: UTF8.self)))
                        }
                    }
                }
                for await message in stream {
                    if message.type == EventHub.reconnectType, message.id == nil {
                        do { try await outbound.write(.text(EventHub.reconnectFrame())) } catch {
                            await services.hub.reconnectHintWritten()
                            throw error
                        }
                        await services.hub.reconnectHintWritten()
                        continue
                    }
                    // Sent already from the log (ids are not in commit order, so the set, not a watermark).
                    if let id = message.id, replayed.contains(id) { continue }
                    guard await Self.isFor(principal, message, visibleConversations) else { continue }
                    var outgoing = message
                    outgoing.origin = nil
                    let text = String(decoding: try APIJSON.encoder().encode(outgoing), as: UTF8.self)
                    try await outbound.write(.text(text))
                }
            }
            group.addTask {
                for try await frame in inbound.messages(maxSize: 16 * 1024) {
                    guard case .text(let text) = frame,
                          let message = try? APIJSON.decoder().decode(ClientMessage.self, from: Data(text.utf8)),
                          message.type == "presence", let conversation = message.conversationId,
                          let state = message.state, ["viewing", "typing", "left"].contains(state) else { continue }
                    // The frame names a conversation: it must be one of this workspace's that the
                    // agent may see, or a signed-in stranger could type into another shop's chat.
                    guard await visibleConversations.mayName(conversation) else { continue }
                    await services.hub.broadcastEphemeral(RealtimeMessage(
                        workspaceId: workspaceID.rawValue, type: "presence", conversationId: conversation,
                        payload: ["agent_id": .id(principal.agent.id), "name": .string(principal.agent.name), "state": .string(state),
                                  "reply": .bool(message.reply == true)],
                        actor: .init(type: "agent", id: principal.agent.id.rawValue), at: Date(), origin: nil))
                }
            }
            group.addTask {
                // A heartbeat, not a wait: while connected the agent counts as online for the chat
                // widget, which looks at `last_seen_at`; each beat refreshes it across nodes.
                while !Task.isCancelled {
                    let now = Date()
                    // The beat also extends the agent's online (or away) stretch, for the reports' online time.
                    try? await services.database.write { sql in
                        try await AgentPresenceRepository.touch([principal.agent.id], workspaceID: workspaceID, at: now, in: sql)
                        try await AgentSessionRepository.beat(principal.agent.id, workspaceID: workspaceID, at: now, in: sql)
                    }
                    try await Task.sleep(for: ChatChannel.presenceInterval)
                }
            }
            // When the client goes away, stop pushing to it.
            try await group.next()
            group.cancelAll()
        }
    }
}

/// Remembers which conversations an agent limited to some inboxes may hear about.
actor VisibilityCache {
    let database: Database
    let workspaceID: WorkspaceID
    let visibleInboxes: Set<InboxID>?
    private var known: [Int64: Bool] = [:]
    private var named: [Int64: Bool] = [:]

    init(database: Database, workspaceID: WorkspaceID, visibleInboxes: [InboxID]?) {
        self.database = database
        self.workspaceID = workspaceID
        self.visibleInboxes = visibleInboxes.map(Set.init)
    }

    /// Whether a frame from this agent may name `conversationID`: it exists in the workspace and
    /// (for an agent limited to some inboxes) is in one of theirs. Checked, never assumed.
    func mayName(_ conversationID: Int64) async -> Bool {
        if let cached = named[conversationID] { return cached }
        let workspaceID = workspaceID
        let conversation = try? await database.read {
            try await ConversationRepository.find(workspaceID: workspaceID, id: ConversationID(conversationID), in: $0)
        }
        let allowed = conversation.map { visibleInboxes?.contains($0.inboxID) ?? true } ?? false
        named[conversationID] = allowed
        return allowed
    }

    func allows(_ message: RealtimeMessage) async -> Bool {
        guard let visibleInboxes, let conversationID = message.conversationId else { return true }
        // The hub names the inbox; only messages from elsewhere without one need a lookup.
        if let inbox = message.inboxId { return visibleInboxes.contains(InboxID(inbox)) }
        if let cached = known[conversationID] { return cached }
        let workspaceID = workspaceID
        let conversation = try? await database.read {
            try await ConversationRepository.find(workspaceID: workspaceID, id: ConversationID(conversationID), in: $0)
        }
        let allowed = conversation.map { visibleInboxes.contains($0.inboxID) } ?? false
        known[conversationID] = allowed
        return allowed
    }
}
