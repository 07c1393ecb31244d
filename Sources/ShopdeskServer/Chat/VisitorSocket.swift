import Foundation
import Hummingbird
import HummingbirdWebSocket
import NIOCore
import ShopdeskChannels
import ShopdeskCore
import ShopdeskStore

/// `GET /api/v1/widget/socket`: the chat widget's live connection.
///
/// The widget's first frame authenticates: `{"type":"auth","token":"sdv_…"}` (the token never
/// travels in the URL, where proxies and logs would keep it). Then the server pushes
/// `message` (a new customer message or reply in the visitor's conversation, never a note),
/// `typing` (an agent writes a reply) and `seen` (an agent read the conversation); the widget
/// sends `typing`, `ack` (received replies up to an id) and `read` (showed them), and `watch`
/// after its first message started a conversation, which the server answers with `watching`
/// once it listens (the widget then catches up on what was said meanwhile, such as the bot's
/// answer to that first message).
struct VisitorSocket {
    let services: AppServices

    func register(on router: Router<AppRequestContext>, _ api: APIRegistrar) {
        api.document(RouteDoc(method: .get, path: "/widget/socket", summary: "The chat widget's WebSocket (first frame authenticates)",
                              tag: "widget", role: nil, requestBody: nil, successStatus: 101))
        router.ws("api/v1/widget/socket") { _, _ in
            .upgrade([:])
        } onUpgrade: { inbound, outbound, _ in
            try await session(inbound: inbound, outbound: outbound)
        }
    }

    private func session(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        let (id, stream, continuation) = await services.hub.subscribeVisitor()
        let state = VisitorSocketState(services: services, subscription: id, continuation: continuation)
        // The widget authenticates in its first frame, sent on open. A socket that has not after
        // `authenticationTimeout` is closed: unauthenticated sockets must not pile up.
        let deadline = Task {
            try await Task.sleep(for: ChatWire.authenticationTimeout)
            if await !state.isAuthenticated { try await outbound.close(.policyViolation, reason: "Authenticate first") }
        }
        defer {
            deadline.cancel()
            continuation.finish()
            Task { [hub = services.hub] in await state.unwatch(hub: hub) }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await message in stream {
                    if message.type == EventHub.reconnectType, message.id == nil {
                        do { try await outbound.write(.text(EventHub.reconnectFrame())) } catch {
                            await services.hub.reconnectHintWritten()
                            throw error
                        }
                        await services.hub.reconnectHintWritten()
                        continue
                    }
                    if let text = try await state.frame(for: message) { try await outbound.write(.text(text)) }
                }
            }
            group.addTask {
                for try await message in inbound.messages(maxSize: ChatWire.maxFrameBytes) {
                    guard case .text(let text) = message,
                          let frame = try? APIJSON.decoder().decode(ChatWire.ClientFrame.self, from: Data(text.utf8)) else { continue }
                    if await state.isAuthenticated {
                        if let answer = try await state.handle(frame) { try await outbound.write(.text(answer)) }
                        continue
                    }
                    guard frame.type == "auth", let token = frame.token, let visitor = try await services.chat.visitor(token: token) else {
                        try await outbound.write(.text(#"{"type":"error","detail":"This chat session has ended; start a new one."}"#))
                        return
                    }
                    let conversation = await state.authenticate(visitor)
                    try await outbound.write(.text(try Self.encode(ChatWire.Ready(conversationId: conversation?.rawValue))))
                }
            }
            // When either side stops, the socket is done.
            try await group.next()
            group.cancelAll()
        }
    }

    static func encode(_ value: some Encodable) throws -> String {
        String(decoding: try APIJSON.encoder().encode(value), as: UTF8.self)
    }
}

/// What one visitor's socket knows: the visitor and the conversation it listens to.
actor VisitorSocketState {
    private var visitor: ChatVisitor?
    private var conversation: ConversationID?
    let services: AppServices
    let subscription: UUID
    let continuation: AsyncStream<RealtimeMessage>.Continuation

    init(services: AppServices, subscription: UUID, continuation: AsyncStream<RealtimeMessage>.Continuation) {
        self.services = services
        self.subscription = subscription
        self.continuation = continuation
    }

    var isAuthenticated: Bool { visitor != nil }

    /// Starts listening to the visitor's conversation; returns it (nil before the first message).
    func authenticate(_ visitor: ChatVisitor) async -> ConversationID? {
        self.visitor = visitor
        await watch()
        return conversation
    }

    private func watch() async {
        guard let visitor else { return }
        let old = conversation
        conversation = try? await services.chat.visibleConversation(of: visitor)
        guard old != conversation else { return }
        await services.hub.watch(visitor: subscription, continuation: continuation, from: old?.rawValue, to: conversation?.rawValue)
    }

    func unwatch(hub: EventHub) async {
        await hub.watch(visitor: subscription, continuation: continuation, from: conversation?.rawValue, to: nil)
    }

    /// Acts on a frame from the widget; returns a frame to answer with, if any.
    func handle(_ frame: ChatWire.ClientFrame) async throws -> String? {
        guard let visitor else { return nil }
        switch frame.type {
        case "watch":
            // The visitor's first message started a conversation: re-read the visitor and listen.
            if let fresh = try await services.database.read({ sql in
                try await ChatVisitorRepository.find(id: visitor.id, workspaceID: visitor.workspaceID, in: sql)
            }) { self.visitor = fresh }
            await watch()
            return try VisitorSocket.encode(ChatWire.Watching(conversationId: conversation?.rawValue))
        case "typing":
            guard let conversation, let state = frame.state, ["typing", "idle"].contains(state) else { return nil }
            await services.hub.broadcastEphemeral(RealtimeMessage(
                workspaceId: visitor.workspaceID.rawValue, type: "visitor.typing", conversationId: conversation.rawValue,
                payload: ["state": .string(state), "visitor_id": .number(Double(visitor.id))], actor: nil, at: Date(), origin: nil))
        case "ack", "read":
            guard let messageID = frame.messageId else { return nil }
            try await services.chat.acknowledge(visitor, upTo: MessageID(messageID), status: frame.type == "read" ? .read : .delivered)
        default:
            break
        }
        return nil
    }

    /// The frame a hub message becomes for this visitor, if any.
    func frame(for message: RealtimeMessage) async throws -> String? {
        guard let visitor, let conversation, message.conversationId == conversation.rawValue else { return nil }
        switch message.type {
        case DomainEventKind.messageCreated.rawValue:
            guard let id = message.payload["message_id"]?.int64Value,
                  let widgetMessage = try await services.chat.message(MessageID(id), in: conversation, workspaceID: visitor.workspaceID)
            else { return nil }
            return try VisitorSocket.encode(ChatWire.MessageFrame(message: widgetMessage))
        case "presence":
            // Only an agent writing a reply shows as typing: never one viewing or writing a note.
            guard message.payload["state"] == .string("typing"), message.payload["reply"] == .bool(true) else { return nil }
            let name = message.payload["name"].flatMap { if case .string(let text) = $0 { ChatWire.firstName(text) } else { nil } }
            return try VisitorSocket.encode(ChatWire.TypingFrame(name: name, state: "typing"))
        case "conversation.read":
            return try VisitorSocket.encode(ChatWire.SeenFrame(at: message.at))
        case DomainEventKind.conversationMerged.rawValue:
            // Follow the merge when the survivor is still this visitor's; otherwise stop listening.
            await watch()
            return nil
        default:
            return nil
        }
    }
}
