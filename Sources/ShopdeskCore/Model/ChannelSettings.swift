/// A messaging channel's settings as stored: the values an admin may read back (a bot's name, an
/// API address) and the secrets, sealed by the server's secret box and never returned (a bot
/// token, the webhook secret). Which keys exist is the channel adapter's business.
public struct ChannelSettings: Codable, Equatable, Sendable {
    public var values: [String: String]
    public var sealed: [String: String]

    public init(values: [String: String] = [:], sealed: [String: String] = [:]) {
        self.values = values
        self.sealed = sealed
    }
}
