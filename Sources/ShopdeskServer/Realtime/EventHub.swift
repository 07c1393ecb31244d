import Foundation
import Logging
import ShopdeskCore
import ShopdeskStore

/// A message pushed to agents' browsers.
struct RealtimeMessage: Codable, Sendable {
    /// The event's id in the event log (nil for presence and typing, which are not stored): the
    /// client's "last event seen", from which a reconnect resumes.
    var id: Int64? = nil
    var workspaceId: Int64
    var type: String
    var conversationId: Int64?
    /// The conversation's inbox, filled in by the hub once per message so that each agent's
    /// socket can apply its inbox visibility without a database read.
    var inboxId: Int64? = nil
    var payload: [String: JSONValue]
    var actor: EventDTO.Actor?
    var at: Date
    /// The node that published it, so a node does not deliver its own NOTIFY twice.
    var origin: String?
}

/// Fans committed events out to the WebSocket connections of their workspace, on this node and,
/// with PostgreSQL, on every other node through LISTEN/NOTIFY.
actor EventHub: EventPublisher {
    static let channel = "shopdesk_events"

    private var subscribers: [WorkspaceID: [UUID: AsyncStream<RealtimeMessage>.Continuation]] = [:]
    /// Chat visitors hear only about their own conversation, so they are kept by conversation:
    /// an event costs one lookup however many visitors are connected.
    private var visitors: [Int64: [UUID: AsyncStream<RealtimeMessage>.Continuation]] = [:]
    private var jobWaiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    private var jobWakePending = false
    let nodeID = UUID().uuidString
    let listener: (any NotificationListener)?
    let database: Database?
    let logger: Logger
    /// Conversation → inbox (a conversation never changes inbox), bounded.
    private var inboxes: [Int64: Int64] = [:]
    private static let inboxCacheLimit = 200_000

    init(listener: (any NotificationListener)?, database: Database? = nil, logger: Logger) {
        self.listener = listener
        self.database = database
        self.logger = logger
        relayingOtherNodes = listener == nil
    }

    /// Whether other nodes' events reach this one (always, with no other nodes to hear from).
    private var relayingOtherNodes: Bool
    /// Sockets waiting to be greeted, each with the timer that greets it anyway at its deadline.
    private var relayWaiters: [UUID: (continuation: CheckedContinuation<Void, Never>, deadline: Task<Void, Never>)] = [:]

    /// For the health check: whether this node hears other nodes' events.
    var relayState: String { listener == nil ? "single node" : relayingOtherNodes ? "relaying" : "not relaying" }

    /// The realtime bridge started (or stopped) hearing other nodes' events.
    func relaying(_ on: Bool) {
        relayingOtherNodes = on || listener == nil
        guard relayingOtherNodes else { return }
        for waiter in relayWaiters.values {
            waiter.deadline.cancel()
            waiter.continuation.resume()
        }
        relayWaiters.removeAll()
    }

    /// Returns once other nodes' events reach this node, or after `timeout`: a socket greeted
    /// before that could miss an event written on another node in its first moments.
    func untilRelaying(timeout: Duration) async {
        guard !relayingOtherNodes else { return }
        let id = UUID()
        await withCheckedContinuation { continuation in
            // The sleep is the deadline itself (a LISTEN that never comes must not keep the
            // agent's socket silent); it is cancelled as soon as the bridge listens.
            let deadline = Task {
                try? await Task.sleep(for: timeout)
                guard !Task.isCancelled else { return }
                self.relayWaiters.removeValue(forKey: id)?.continuation.resume()
            }
            relayWaiters[id] = (continuation, deadline)
        }
    }

    private func remember(inbox: Int64, of conversation: Int64) {
        if inboxes.count >= Self.inboxCacheLimit { inboxes.removeAll(keepingCapacity: true) }
        inboxes[conversation] = inbox
    }

    /// The inbox of a conversation, from the cache or one primary-key read.
    func inbox(of conversation: Int64) async -> Int64? {
        if let known = inboxes[conversation] { return known }
        guard let database else { return nil }
        let found = try? await database.read { sql in
            try await sql.raw("SELECT inbox_id FROM conversations WHERE id = \(bind: conversation)").first()?.decode(column: "inbox_id", as: Int64.self)
        }
        guard let found else { return nil }
        remember(inbox: found, of: conversation)
        return found
    }

    func subscribe(workspaceID: WorkspaceID) -> (UUID, AsyncStream<RealtimeMessage>) {
        let id = UUID()
        let (stream, continuation) = AsyncStream.makeStream(of: RealtimeMessage.self, bufferingPolicy: .bufferingNewest(500))
        subscribers[workspaceID, default: [:]][id] = continuation
        return (id, stream)
    }

    func unsubscribe(workspaceID: WorkspaceID, id: UUID) {
        subscribers[workspaceID]?[id]?.finish()
        subscribers[workspaceID]?[id] = nil
    }

    var connectionCount: Int { subscribers.values.reduce(0) { $0 + $1.count } }

    var visitorConnectionCount: Int { visitors.values.reduce(0) { $0 + $1.count } }

    /// A visitor's stream, fed with the events of `conversationID` until `unsubscribeVisitor`;
    /// `watch` moves it to another conversation (the visitor's first message starts one).
    func subscribeVisitor() -> (UUID, AsyncStream<RealtimeMessage>, AsyncStream<RealtimeMessage>.Continuation) {
        let (stream, continuation) = AsyncStream.makeStream(of: RealtimeMessage.self, bufferingPolicy: .bufferingNewest(200))
        return (UUID(), stream, continuation)
    }

    func watch(visitor id: UUID, continuation: AsyncStream<RealtimeMessage>.Continuation, from old: Int64?, to new: Int64?) {
        if let old {
            visitors[old]?[id] = nil
            if visitors[old]?.isEmpty == true { visitors[old] = nil }
        }
        if let new { visitors[new, default: [:]][id] = continuation }
    }

    nonisolated func publish(_ events: [DomainEvent]) async {
        guard !events.isEmpty else { return }
        await wakeJobRunner()
        let messages = events.map { event in
            RealtimeMessage(
                id: event.id?.rawValue, workspaceId: event.workspaceID.rawValue, type: event.kind.rawValue, conversationId: event.conversationID?.rawValue,
                payload: event.payload, actor: .init(type: event.actor.kind, id: event.actor.rawID), at: event.occurredAt, origin: nodeID)
        }
        await broadcast(messages)
    }

    /// Delivers locally and tells the other nodes, all of `messages` in one NOTIFY statement
    /// (one round trip per published batch instead of one per event).
    func broadcast(_ messages: [RealtimeMessage]) async {
        var payloads: [String] = []
        for var message in messages {
            // A new conversation names its inbox: remembering it spares the lookup that follows.
            if message.type == DomainEventKind.conversationCreated.rawValue, let conversation = message.conversationId,
               case .number(let inbox)? = message.payload["inbox_id"] {
                remember(inbox: Int64(inbox), of: conversation)
            }
            if message.inboxId == nil, let conversation = message.conversationId { message.inboxId = await inbox(of: conversation) }
            deliver(message)
            guard listener != nil else { continue }
            do {
                payloads.append(try notificationPayload(message))
            } catch {
                logger.warning("Could not encode an event for other nodes", metadata: ["error": "\(error)"])
            }
        }
        guard let listener, !payloads.isEmpty else { return }
        do {
            try await listener.notify(channel: Self.channel, payloads: payloads)
        } catch {
            logger.warning("Could not NOTIFY other nodes", metadata: ["error": "\(error)"])
        }
    }

    func broadcast(_ message: RealtimeMessage) async {
        await broadcast([message])
    }

    /// NOTIFY payloads are limited to 8000 bytes; a larger event is sent without its payload.
    private func notificationPayload(_ message: RealtimeMessage) throws -> String {
        let text = String(decoding: try APIJSON.encoder().encode(message), as: UTF8.self)
        if text.utf8.count < 7900 { return notification(text) }
        var small = message
        small.payload = [:]
        return notification(String(decoding: try APIJSON.encoder().encode(small), as: UTF8.self))
    }

    /// Presence and typing: pushed to the workspace, not stored.
    func broadcastEphemeral(_ message: RealtimeMessage) async {
        var message = message
        message.origin = nodeID
        await broadcast(message)
    }

    /// A NOTIFY payload: the sending node's id, a line break, the message's JSON. Every node
    /// hears its own notifications too; the id lets it skip them without decoding the JSON
    /// (which was 3 % of the server's CPU when PostgreSQL ingests at full speed).
    private func notification(_ json: String) -> String {
        nodeID + "\n" + json
    }

    /// A notification, from another node or (skipped) from this one.
    func receiveRemote(_ text: String) {
        guard let newline = text.utf8.firstIndex(of: UInt8(ascii: "\n")) else { return }
        guard text[..<newline] != nodeID else { return }
        let json = text[text.utf8.index(after: newline)...]
        guard let message = try? APIJSON.decoder().decode(RealtimeMessage.self, from: Data(json.utf8)), message.origin != nodeID else { return }
        deliver(message)
    }

    private func deliver(_ message: RealtimeMessage) {
        for continuation in subscribers[WorkspaceID(message.workspaceId)]?.values ?? [:].values {
            continuation.yield(message)
        }
        if let conversation = message.conversationId, let watching = visitors[conversation] {
            for continuation in watching.values { continuation.yield(message) }
        }
    }

    /// Whether this node is shutting down (`/healthz` answers 503, so balancers send no one new).
    private(set) var draining = false

    /// The message type that tells a socket this node is going away.
    static let reconnectType = "reconnect"

    /// This node is shutting down: every socket on it hears `reconnect`, with a moment to wait
    /// (spread over `spread`, so its clients do not all land on the other nodes at once), before
    /// the server closes the sockets. Not told to other nodes.
    func drain() {
        draining = true
        let hint = RealtimeMessage(workspaceId: 0, type: Self.reconnectType, conversationId: nil, payload: [:], actor: nil, at: Date(), origin: nodeID)
        // A full buffer drops its oldest message but still takes the hint; only a stream that has
        // ended does not.
        for continuation in subscribers.values.flatMap(\.values) + visitors.values.flatMap(\.values) {
            if case .terminated = continuation.yield(hint) { continue }
            hintsUnwritten += 1
        }
    }

    /// Reconnect hints queued by `drain` that no socket has written yet.
    private var hintsUnwritten = 0
    private var hintsWaiter: CheckedContinuation<Void, Never>?

    /// A socket wrote its reconnect hint (or could not, having closed).
    func reconnectHintWritten() {
        hintsUnwritten = max(0, hintsUnwritten - 1)
        if hintsUnwritten == 0, let waiter = hintsWaiter {
            hintsWaiter = nil
            waiter.resume()
        }
    }

    /// Returns once every socket has written the hint `drain` queued, or at `deadline` (a socket
    /// that is stuck must not hold the shutdown; its client reconnects on the close anyway).
    func hintsWritten(deadline: Duration) async {
        guard hintsUnwritten > 0 else { return }
        let timer = Task { [weak self] in
            // sleep: the shutdown deadline's own timer, cancelled below as soon as every hint is written.
            try? await Task.sleep(for: deadline)
            await self?.hintsDeadlinePassed()
        }
        await withCheckedContinuation { hintsWaiter = $0 }
        timer.cancel()
    }

    private func hintsDeadlinePassed() {
        hintsWaiter?.resume()
        hintsWaiter = nil
    }

    /// The frame a socket sends for `reconnect`: when to come back (ms), somewhere in the spread.
    static func reconnectFrame() -> String {
        #"{"type":"reconnect","after_ms":\#(Int.random(in: 250...3_000))}"#
    }

    /// Lets the job runner pick up jobs queued by a request without waiting for its next poll.
    func wakeJobRunner() {
        if jobWaiters.isEmpty {
            jobWakePending = true
        } else {
            for waiter in jobWaiters.values { waiter.resume() }
            jobWaiters.removeAll()
        }
    }

    /// Returns when `wakeJobRunner` is called, or after `timeout` (the poll interval, which also
    /// picks up timers that came due and jobs queued by other nodes).
    func waitForJobs(timeout: Duration) async {
        if jobWakePending {
            jobWakePending = false
            return
        }
        let id = UUID()
        await withCheckedContinuation { continuation in
            jobWaiters[id] = continuation
            // The poll interval: timers that come due and jobs queued by other nodes send no wake-up.
            Task {
                try? await Task.sleep(for: timeout)
                self.endWait(id)
            }
        }
    }

    private func endWait(_ id: UUID) {
        jobWaiters.removeValue(forKey: id)?.resume()
    }

    /// When the job runner last finished a pass; health turns red if it stops.
    private(set) var runnerHeartbeat: Date?

    func jobRunnerBeat(_ date: Date) {
        runnerHeartbeat = date
    }
}
