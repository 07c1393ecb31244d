import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskStore

/// Settings → Shops → the bot: what the chat bot may do to the shop's orders itself.
struct BotPolicyRoutes {
    let services: AppServices

    struct Body: Decodable {
        var actions: [String]?
        var verification: String?
        /// Decimal in the shop's currency; "" removes the bot's own limit, leaving the approval threshold.
        var maxRefund: String?
        var unfulfilledOnly: Bool?
    }

    struct DTO: ResponseEncodable {
        var actions: [String]
        var verification: String
        var maxRefund: String?
        var currency: String
        var unfulfilledOnly: Bool
        /// Whether a one-time code can be emailed (an inbox sends mail): `code` needs it.
        var canEmailCodes: Bool
    }

    func register(_ api: APIRegistrar) {
        api.on(.get, "/stores/{id}/bot-policy", "What the chat bot may do to the shop's orders itself (nothing until set)", tag: "help", role: .admin) { request, context in
            let connection = try await store(request, context)
            return try await dto(connection.settings.bot ?? .off, connection)
        }
        api.on(.put, "/stores/{id}/bot-policy",
               "Set what the bot may do: actions (cancel, change_address, start_return, resend_tracking), verification (order_email or code), "
                   + "max_refund (decimal), unfulfilled_only",
               tag: "help", role: .admin, body: "Body") { request, context in
            var connection = try await store(request, context)
            let body = try await request.decode(as: Body.self, context: context)
            let current = connection.settings.bot ?? .off
            var actions = current.actions
            if let names = body.actions {
                actions = try names.map { name in
                    guard let action = BotPolicy.Action(rawValue: name) else {
                        throw Problem(.unprocessableContent, "\(name) is not a bot action; use cancel, change_address, start_return or resend_tracking.", field: "actions")
                    }
                    return action
                }
            }
            var verification = current.verification
            if let name = body.verification {
                guard let chosen = BotPolicy.Verification(rawValue: name) else {
                    throw Problem(.unprocessableContent, "verification is order_email or code.", field: "verification")
                }
                verification = chosen
            }
            if verification == .code, !actions.isEmpty, !(try await canEmail(connection.workspaceID)) {
                throw Problem(.unprocessableContent, "The one-time code is emailed from an inbox that sends mail, and none does: add SMTP to an email inbox, "
                              + "or verify with the order number and email (order_email).", field: "verification")
            }
            var limit = current.maxRefundMinor
            if let text = body.maxRefund {
                if text.trimmingCharacters(in: .whitespaces).isEmpty {
                    limit = nil
                } else {
                    let currency = connection.settings.currency
                    guard let minor = Money.minorUnits(text, currency: currency), minor >= 0 else {
                        throw Problem(.unprocessableContent, "The most the bot may refund is a decimal amount in \(currency), like \"50.00\".", field: "max_refund")
                    }
                    limit = minor
                }
            }
            let policy = BotPolicy(actions: actions, verification: verification, maxRefundMinor: limit, unfulfilledOnly: body.unfulfilledOnly ?? current.unfulfilledOnly)
            connection.settings.bot = policy
            let saved = connection
            try await services.database.write { try await StoreConnectionRepository.update(saved, now: Date(), in: $0) }
            return try await dto(policy, connection)
        }
    }

    private func dto(_ policy: BotPolicy, _ connection: StoreConnection) async throws -> DTO {
        let currency = connection.settings.currency
        return DTO(actions: policy.actions.map(\.rawValue), verification: policy.verification.rawValue,
                   maxRefund: policy.maxRefundMinor.map { Money.decimalString(minor: $0, currency: currency) }, currency: currency,
                   unfulfilledOnly: policy.unfulfilledOnly, canEmailCodes: try await canEmail(connection.workspaceID))
    }

    private func canEmail(_ workspaceID: WorkspaceID) async throws -> Bool {
        try await services.database.read { try await InboxRepository.list(workspaceID: workspaceID, in: $0).contains { $0.email?.smtp != nil } }
    }

    private func store(_ request: Request, _ context: AuthenticatedContext) async throws -> StoreConnection {
        try await services.load("Store connection", request, context) { try await StoreConnectionRepository.find(workspaceID: $0, id: $1, in: $2) }
    }
}
