import ShopdeskCore

/// The channels this build speaks, by inbox kind. Adding a channel: its folder here, one line in
/// `standard`, its translations in the app (the settings form is built from `fields`).
public struct ChannelRegistry: Sendable {
    private let adapters: [InboxKind: any ChannelAdapter]

    public init(_ adapters: [any ChannelAdapter]) {
        self.adapters = Dictionary(adapters.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public static let standard = ChannelRegistry([
        TelegramAdapter(),
        WhatsAppAdapter(),
        ViberAdapter(),
        TwilioAdapter(),
        MetaMessagingAdapter(.messenger),
        MetaMessagingAdapter(.instagram),
    ])

    public func adapter(for kind: InboxKind) -> (any ChannelAdapter)? { adapters[kind] }

    public var all: [any ChannelAdapter] { adapters.values.sorted { $0.kind.rawValue < $1.kind.rawValue } }
}
