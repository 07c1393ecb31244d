import Foundation
import ShopdeskChannels
import ShopdeskCore

/// Turning what an admin typed into a channel inbox's stored settings, and back into what the
/// adapter needs: fields checked against the adapter's list, secrets sealed, the webhook secret
/// generated, provider addresses through the outbound guard.
struct ChannelSetup {
    let services: AppServices

    /// The stored settings for `input`, keeping earlier secrets the admin left empty.
    func settings(_ adapter: any ChannelAdapter, input: [String: String], keeping old: ChannelSettings?) async throws -> ChannelSettings {
        let known = Dictionary(uniqueKeysWithValues: adapter.fields.map { ($0.key, $0) })
        if let unknown = input.keys.sorted().first(where: { known[$0] == nil || known[$0]?.generated == true }) {
            throw Problem(.unprocessableContent, "\(adapter.displayName) has no setting \(unknown).", field: "channel.\(unknown)")
        }
        let box = try services.secretBox()
        var settings = old ?? ChannelSettings()
        for field in adapter.fields where field.generated {
            // Made once, never typed (Telegram allows A-Z, a-z, 0-9, _ and - in its secret token).
            let present = field.secret ? settings.sealed[field.key] != nil : settings.values[field.key] != nil
            guard !present else { continue }
            let token = Secrets.token(prefix: "sdc_")
            if field.secret { settings.sealed[field.key] = try box.seal(token) } else { settings.values[field.key] = token }
        }
        for field in adapter.fields where !field.generated {
            let value = (input[field.key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard value.count <= 500, !value.contains(where: \.isNewline) else {
                throw Problem(.unprocessableContent, "\(field.label) must be one line of at most 500 characters.", field: "channel.\(field.key)")
            }
            if field.secret {
                if !value.isEmpty { settings.sealed[field.key] = try box.seal(value) }
            } else if input[field.key] != nil {
                settings.values[field.key] = value.isEmpty ? nil : value
            }
            let present = field.secret ? settings.sealed[field.key] != nil : settings.values[field.key] != nil
            if field.required && !present {
                throw Problem(.unprocessableContent, "\(adapter.displayName) needs the \(field.label.lowercased()).", field: "channel.\(field.key)")
            }
        }
        for field in adapter.fields where field.address {
            if let value = settings.values[field.key] { try await services.outboundGuard.check(value) }
        }
        return settings
    }

    /// The settings with their secrets opened, for the adapter.
    func config(_ inbox: Inbox) throws -> ChannelConfig {
        let settings = inbox.channel ?? ChannelSettings()
        var values = settings.values
        let box = try services.secretBox()
        for (key, sealed) in settings.sealed { values[key] = try box.open(sealed) }
        return ChannelConfig(values)
    }

    /// The server's public URL without a trailing slash; nil when none is configured.
    var publicBase: String? {
        guard var base = services.config.publicURL, !base.isEmpty else { return nil }
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    /// Where the provider delivers this inbox's updates; nil without a public URL.
    func webhookURL(_ inbox: Inbox) -> String? {
        publicBase.map { "\($0)/api/v1/channels/\(inbox.kind.rawValue)/\(inbox.id)/webhook" }
    }

    /// Tells the provider where to deliver, and says how that went (shown in Settings).
    func connect(_ inbox: Inbox, adapter: any ChannelAdapter) async -> String {
        guard let url = webhookURL(inbox) else {
            return "Set public_url in the configuration so \(adapter.displayName) can reach this server; then test the connection."
        }
        do {
            if let instructions = try await adapter.connect(webhookURL: url, settings: try config(inbox), http: services.channelHTTP) {
                return instructions
            }
            return "Receiving at \(url)."
        } catch {
            return "\(adapter.displayName) did not take the webhook: \(error)"
        }
    }
}
