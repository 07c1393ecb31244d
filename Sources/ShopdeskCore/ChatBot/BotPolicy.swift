import Foundation

/// What the bot may do to a shop's orders on its own (Settings → Shops → the bot), per shop.
/// Off until an admin turns actions on. Whatever is allowed, the bot acts only for a customer it
/// verified, only after the customer confirmed, and through the same order-action path as an
/// agent (the approval threshold, the idempotency key, the timeline); it hands over otherwise.
public struct BotPolicy: Codable, Equatable, Sendable {
    public enum Action: String, Codable, Sendable, CaseIterable {
        case cancel
        case changeAddress = "change_address"
        case startReturn = "start_return"
        /// The order's tracking, written in the conversation and emailed to the order's address.
        case resendTracking = "resend_tracking"
    }

    /// How the bot knows the customer owns the order.
    public enum Verification: String, Codable, Sendable, CaseIterable {
        /// The order number and the order's email, given together.
        case orderEmail = "order_email"
        /// Besides those, a one-time code emailed to the order's address (from an inbox that sends mail).
        case code
    }

    public var actions: [Action]
    public var verification: Verification
    /// A cancellation refunding more than this (minor units, the shop's currency) goes to a person;
    /// nil: only the shop's approval threshold applies.
    public var maxRefundMinor: Int64?
    /// Cancel or change the address only while nothing of the order has shipped.
    public var unfulfilledOnly: Bool

    public static let off = BotPolicy(actions: [], verification: .code, maxRefundMinor: nil, unfulfilledOnly: true)

    public init(actions: [Action], verification: Verification, maxRefundMinor: Int64?, unfulfilledOnly: Bool) {
        self.actions = Action.allCases.filter(actions.contains)
        self.verification = verification
        self.maxRefundMinor = maxRefundMinor
        self.unfulfilledOnly = unfulfilledOnly
    }

    enum CodingKeys: String, CodingKey {
        case actions, verification
        case maxRefundMinor = "max_refund_minor"
        case unfulfilledOnly = "unfulfilled_only"
    }

    public func allows(_ action: Action) -> Bool { actions.contains(action) }

    /// Why the bot may not do `action` to `order` itself (for the handover note), nil when it may.
    public func refusal(_ action: Action, order: StoreOrder) -> String? {
        guard allows(action) else { return "The bot may not \(action.phrase) (Settings → Shops)." }
        switch action {
        case .cancel, .changeAddress:
            if order.isCancelled { return "\(order.number) is already cancelled." }
            if order.fulfillmentStatus == .fulfilled { return "\(order.number) has shipped." }
            if unfulfilledOnly, order.fulfillmentStatus != .unfulfilled || !order.fulfillments.isEmpty {
                return "Part of \(order.number) has shipped; the bot changes only orders with nothing shipped."
            }
            if action == .cancel, let limit = maxRefundMinor, order.refundable.minor > limit {
                return "Cancelling \(order.number) refunds \(order.refundable.decimalString) \(order.total.currency), "
                    + "above the \(Money.decimalString(minor: limit, currency: order.total.currency)) \(order.total.currency) the bot may refund."
            }
            return nil
        case .startReturn, .resendTracking:
            return nil
        }
    }
}

extension BotPolicy.Action {
    /// What the action does, for sentences agents read.
    public var phrase: String {
        switch self {
        case .cancel: "cancel orders"
        case .changeAddress: "change shipping addresses"
        case .startReturn: "start returns"
        case .resendTracking: "resend tracking"
        }
    }

    /// The intent a customer's request to the bot shows.
    public static func requested(by intent: String?) -> Self? {
        switch intent {
        case "cancel_order": .cancel
        case "change_address": .changeAddress
        case "return_request": .startReturn
        default: nil
        }
    }
}
