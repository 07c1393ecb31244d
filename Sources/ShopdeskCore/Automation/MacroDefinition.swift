import Foundation

/// A saved reply with variables, per-language variants and actions an agent (or a rule) applies
/// in one step.
public struct MacroDefinition: Codable, Equatable, Sendable {
    public var name: String
    /// The reply template used when no variant matches the conversation's language.
    public var body: String
    /// Variants by language code (`pt`, `ru`, `hr` …), chosen by the conversation's language.
    public var variants: [String: String]
    /// Changes applied with the reply: tags, status, priority, assignee, team, snooze.
    public var actions: [RuleAction]
    /// Files sent with the reply (uploaded attachments whose file each use sends again: a size
    /// chart, a returns form).
    public var attachmentIds: [Int64]

    /// How many files one macro may send.
    public static let maxFiles = 10

    public init(name: String, body: String, variants: [String: String] = [:], actions: [RuleAction] = [], attachmentIds: [Int64] = []) {
        self.name = name
        self.body = body
        self.variants = variants
        self.actions = actions
        self.attachmentIds = attachmentIds
    }

    private enum CodingKeys: String, CodingKey { case name, body, variants, actions, attachmentIds }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        body = try container.decodeIfPresent(String.self, forKey: .body) ?? ""
        variants = try container.decodeIfPresent([String: String].self, forKey: .variants) ?? [:]
        actions = try container.decodeIfPresent([RuleAction].self, forKey: .actions) ?? []
        attachmentIds = try container.decodeIfPresent([Int64].self, forKey: .attachmentIds) ?? []
    }

    /// The template for a conversation in `language`: its variant, else the default body.
    public func body(for language: String?) -> (language: String?, body: String) {
        if let language, let variant = variants[language], !variant.isEmpty { return (language, variant) }
        if let language, let base = language.split(separator: "-").first.map(String.init),
           let variant = variants[base], !variant.isEmpty { return (base, variant) }
        return (nil, body)
    }

    public func validated() throws(ShopdeskError) -> MacroDefinition {
        var copy = self
        copy.name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !copy.name.isEmpty, copy.name.count <= 200 else {
            throw .invalid(field: "name", "Give the macro a name of at most 200 characters.")
        }
        guard !body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || !actions.isEmpty || !attachmentIds.isEmpty else {
            throw .invalid(field: "body", "A macro needs a reply text, files, actions, or several of them.")
        }
        guard attachmentIds.count <= Self.maxFiles else { throw .invalid(field: "attachment_ids", "A macro can send at most \(Self.maxFiles) files.") }
        copy.attachmentIds = Array(NSOrderedSet(array: attachmentIds).compactMap { $0 as? Int64 })
        for (field, text) in [("body", body)] + variants.sorted(by: { $0.key < $1.key }).map({ ("variants.\($0.key)", $0.value) }) {
            guard text.utf8.count <= InboundMessage.maxTextLength else { throw .invalid(field: field, "The text is too long.") }
            do { _ = try Template(text) } catch { throw .invalid(field: field, error.description) }
        }
        for (index, action) in actions.enumerated() {
            switch action {
            case .replyWithMacro, .webhook, .notify, .addNote, .cancelOrder:
                throw .invalid(field: "actions[\(index)]",
                               "A macro can set tags, status, priority, assignee, team or snooze, and tag or note the order; \(action.type) belongs in a rule "
                               + "(an agent cancels from the order's card).")
            default:
                try action.validate(field: "actions[\(index)]")
            }
        }
        return copy
    }
}
