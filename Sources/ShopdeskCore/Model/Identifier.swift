/// A typed database id: a `CustomerID` can never be passed where a `ConversationID` is expected.
///
/// Ids are sequential integers inside the database; every query that takes one also takes the
/// workspace it must belong to, so guessing another workspace's id yields "not found".
public struct Identifier<Entity>: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: Int64

    public init(_ rawValue: Int64) { self.rawValue = rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }
}

public enum WorkspaceEntity {}
public enum AgentEntity {}
public enum TeamEntity {}
public enum InboxEntity {}
public enum TagEntity {}
public enum CustomerEntity {}
public enum ConversationEntity {}
public enum MessageEntity {}
public enum AttachmentEntity {}
public enum EventEntity {}
public enum JobEntity {}
public enum WebhookEntity {}
public enum TokenEntity {}
public enum StoreConnectionEntity {}
public enum OrderEntity {}
public enum OrderActionEntity {}
public enum ReturnEntity {}
public enum SSOProviderEntity {}

public typealias WorkspaceID = Identifier<WorkspaceEntity>
public typealias AgentID = Identifier<AgentEntity>
public typealias TeamID = Identifier<TeamEntity>
public typealias InboxID = Identifier<InboxEntity>
public typealias TagID = Identifier<TagEntity>
public typealias CustomerID = Identifier<CustomerEntity>
public typealias ConversationID = Identifier<ConversationEntity>
public typealias MessageID = Identifier<MessageEntity>
public typealias AttachmentID = Identifier<AttachmentEntity>
public typealias EventID = Identifier<EventEntity>
public typealias JobID = Identifier<JobEntity>
public typealias WebhookID = Identifier<WebhookEntity>
public typealias TokenID = Identifier<TokenEntity>
public typealias StoreConnectionID = Identifier<StoreConnectionEntity>
public typealias OrderID = Identifier<OrderEntity>
public typealias OrderActionID = Identifier<OrderActionEntity>
public typealias ReturnID = Identifier<ReturnEntity>
public typealias SSOProviderID = Identifier<SSOProviderEntity>
