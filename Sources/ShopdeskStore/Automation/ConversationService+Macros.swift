import Foundation
import ShopdeskCore
import SQLKit

/// A macro rendered for one conversation, before anything is sent.
public struct MacroPreview: Sendable, Equatable {
    public var text: String
    /// The variant used (nil: the default body).
    public var language: String?
    public var warnings: [String]
    public var actions: [RuleAction]
}

extension ConversationService {
    /// Renders a macro with the conversation's real data (its customer, the agent, the
    /// workspace), in the variant for the conversation's language.
    public func previewMacro(workspaceID: WorkspaceID, conversationID: ConversationID, macroID: Int64, agentID: AgentID) async throws -> MacroPreview {
        let automation = automation
        return try await database.read { sql in
            guard let conversation = try await ConversationRepository.find(workspaceID: workspaceID, id: conversationID, in: sql) else {
                throw ShopdeskError.notFound("Conversation \(conversationID)")
            }
            guard let macro = try await MacroRepository.find(workspaceID: workspaceID, id: macroID, in: sql) else {
                throw ShopdeskError.notFound("Macro \(macroID)")
            }
            let book = try await automation.book(for: workspaceID, in: sql)
            return try await Self.render(macro.definition, for: conversation, agentID: agentID, book: book, in: sql)
        }
    }

    static func render(_ macro: MacroDefinition, for conversation: Conversation, agentID: AgentID?, book: AutomationCache.Book,
                       in sql: any SQLDatabase) async throws -> MacroPreview {
        let (language, body) = macro.body(for: conversation.language)
        let (context, customer) = try await TemplateContext.load(conversation: conversation, agentID: agentID,
                                                                 workspaceName: book.workspaceName, reviewURL: book.reviewURL, in: sql)
        let environment = TemplateContext.environment(customer: customer, fallbackLocale: conversation.language,
                                                      timeZone: book.calendar.timeZone)
        let rendered = try Template(body).render(context, environment: environment)
        return MacroPreview(text: rendered.text, language: language, warnings: rendered.warnings, actions: macro.actions)
    }

    /// A macro's order actions (tag or note the customer's latest order) as the agent who applied
    /// it asks the shop for them, notes rendered for this conversation; nil when it has none, and
    /// no order when the customer has none in a connected shop.
    public func macroOrderActions(workspaceID: WorkspaceID, conversationID: ConversationID, macroID: Int64,
                                  agentID: AgentID) async throws -> (order: OrderID?, inputs: [OrderActionInput])? {
        let automation = automation
        return try await database.read { sql -> (order: OrderID?, inputs: [OrderActionInput])? in
            guard let macro = try await MacroRepository.find(workspaceID: workspaceID, id: macroID, in: sql),
                  macro.definition.actions.contains(where: { if case .tagOrder = $0 { true } else if case .noteOrder = $0 { true } else { false } }),
                  let found = try await ConversationRepository.find(workspaceID: workspaceID, id: conversationID, in: sql) else { return nil }
            let conversation = try await ConversationRepository.survivor(of: found, in: sql)
            let order = try await OrderRepository.forCustomer(conversation.customerID, workspaceID: workspaceID, limit: 1, in: sql).first?.id
            let book = try await automation.book(for: workspaceID, in: sql)
            var inputs: [OrderActionInput] = []
            for action in macro.definition.actions {
                switch action {
                case .tagOrder(let tags):
                    var input = OrderActionInput(kind: "add_tags")
                    input.tags = tags
                    inputs.append(input)
                case .noteOrder(let text):
                    var note = macro.definition
                    note.body = text
                    note.variants = [:]
                    var input = OrderActionInput(kind: "add_note")
                    input.text = try await Self.render(note, for: conversation, agentID: agentID, book: book, in: sql).text
                    inputs.append(input)
                default:
                    break
                }
            }
            return (order, inputs)
        }
    }

    /// Applies a macro as the agent: posts its text (or the agent's edited version) as a reply
    /// or a note, runs its actions, counts the use, and lets rules react, in one transaction.
    public func applyMacro(workspaceID: WorkspaceID, conversationID: ConversationID, macroID: Int64, text override: String?,
                           asNote: Bool, agentID: AgentID, attachmentIDs: [AttachmentID] = [],
                           commentReply: CommentReply? = nil) async throws -> (conversation: Conversation, message: Message?) {
        let time = now()
        let kind = database.kind
        let automation = automation
        let (result, events) = try await database.write { sql in
            guard let found = try await ConversationRepository.find(workspaceID: workspaceID, id: conversationID, in: sql) else {
                throw ShopdeskError.notFound("Conversation \(conversationID)")
            }
            var conversation = try await ConversationRepository.survivor(of: found, in: sql)
            try await HistoryLock.ensureWritable(conversation, now: time, in: sql)
            guard let macro = try await MacroRepository.find(workspaceID: workspaceID, id: macroID, in: sql) else {
                throw ShopdeskError.notFound("Macro \(macroID)")
            }
            let book = try await automation.book(for: workspaceID, in: sql)
            var text = override ?? ""
            if override == nil {
                text = try await Self.render(macro.definition, for: conversation, agentID: agentID, book: book, in: sql).text
            }
            let actor = EventActor.agent(agentID)
            var events = [DomainEvent(workspaceID: workspaceID, conversationID: conversation.id, kind: .macroApplied, actor: actor,
                                      payload: ["macro_id": .number(Double(macroID)), "name": .string(macro.definition.name)],
                                      occurredAt: time)]
            var message: Message?
            for attachment in attachmentIDs {
                guard try await AttachmentRepository.findUnattached(workspaceID: workspaceID, id: attachment, in: sql) != nil else {
                    throw ShopdeskError.notFound("Attachment \(attachment)")
                }
            }
            // The macro's own files go out as fresh copies of their records (the bytes are stored
            // once, by hash), so every use has attachments of its own message.
            var attachmentIDs = attachmentIDs
            for file in macro.definition.attachmentIds {
                guard let original = try await AttachmentRepository.find(workspaceID: workspaceID, id: AttachmentID(file), in: sql) else { continue }
                let copy = try await AttachmentRepository.create(
                    workspaceID: workspaceID, sha256: original.sha256, fileName: original.fileName, contentType: original.contentType,
                    size: original.size, uploadedBy: agentID, now: time, in: sql)
                attachmentIDs.append(copy.id)
            }
            if !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || !attachmentIDs.isEmpty {
                guard text.utf8.count <= InboundMessage.maxTextLength else {
                    throw ShopdeskError(.tooLarge, "The message is longer than \(InboundMessage.maxTextLength) bytes.", field: "text")
                }
                var new = MessageRepository.NewMessage(
                    conversation: conversation, direction: asNote ? .note : .outbound, authorAgentID: agentID, text: text,
                    channelMessageID: nil, deliveryStatus: asNote ? nil : .queued, attachmentIDs: attachmentIDs)
                new.commentReply = asNote ? nil : commentReply
                let stored = try await MessageRepository.insert(new, now: time, kind: kind, in: sql)
                if !asNote {
                    try await JobQueue.enqueue(kind: JobKind.sendMessage, payload: ["message_id": .id(stored.id)],
                                               workspaceID: workspaceID, runAt: time, maxAttempts: 8, in: sql)
                }
                events.append(DomainEvent(workspaceID: workspaceID, conversationID: conversation.id, kind: .messageCreated, actor: actor,
                                          payload: ["message_id": .id(stored.id), "direction": .string(stored.direction.rawValue)],
                                          occurredAt: time))
                message = stored
            }
            // Fields first: a field the macro fills may be one resolving needs.
            let fieldChanges = Self.fieldChanges(macro.definition.actions)
            let fieldsChanged = fieldChanges.isEmpty ? nil : try await Self.writeFields(fieldChanges, of: conversation, actor: actor, now: time, in: sql)
            var changes = try await Self.apply(MacroActions.commands(macro.definition.actions, now: time), to: &conversation,
                                               actor: actor, now: time, kind: kind, in: sql)
            if let fieldsChanged { changes.insert(fieldsChanged, at: 0) }
            events += changes
            try await MacroRepository.countUse(macroID, workspaceID: workspaceID, in: sql)
            var ruleEvents: [RuleRunner.Event] = []
            if message?.direction == .outbound { ruleEvents.append(.init(trigger: .messageOutbound, text: text)) }
            let changed = Set(changes.compactMap { RuleRunner.changedField($0.kind) })
            if !changed.isEmpty { ruleEvents.append(.init(trigger: .conversationUpdated, changed: changed)) }
            events += try await Self.automate(ruleEvents, on: &conversation, automation: automation, time: time, kind: kind, in: sql)
            return ((conversation, message), try await EventLog.record(events, in: sql))
        }
        await publisher?.publish(events)
        return result
    }
}
