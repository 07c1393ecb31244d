import Foundation

/// The one place that says what an order action is worth and whether an agent may run it
/// without an admin. The request path and the tests use it alike, so a limit cannot be counted
/// one way when checked and another way when shown.
///
/// A limit counted one action at a time is no limit: three 100 EUR refunds under a 150 EUR
/// threshold move 300 EUR. So the value of this action is added to what was already asked on
/// the same order (done, running, waiting for an admin, or of unknown outcome) within the
/// window. A percentage discount code is worth that share of the order it was made for, and
/// above `discountPercentLimit` it always waits for an admin: its real cost depends on what the
/// customer buys next.
public struct OrderApproval: Equatable, Sendable {
    /// Minor units an agent may move on one order within the window; nil: no approval needed.
    public var thresholdMinor: Int64?
    /// Percentage discounts above this need an admin whenever a threshold is set.
    public var discountPercentLimit: Int
    /// How far back earlier actions on the same order count.
    public var windowDays: Int

    public static let defaultDiscountPercentLimit = 25
    public static let defaultWindowDays = 30

    public init(thresholdMinor: Int64?, discountPercentLimit: Int? = nil, windowDays: Int? = nil) {
        self.thresholdMinor = thresholdMinor
        self.discountPercentLimit = discountPercentLimit ?? Self.defaultDiscountPercentLimit
        self.windowDays = windowDays ?? Self.defaultWindowDays
    }

    /// The money that leaves the shop if the action runs, in the order's currency.
    public static func value(of action: OrderAction, order: StoreOrder) -> Amount? {
        switch action {
        case .cancel(_, _, let refund, _, _):
            return refund ? order.refundable : nil
        case .refund(let request):
            return try? request.amount(for: order)
        case .createDiscount(let discount):
            if let fixed = discount.fixedAmount { return fixed }
            guard let percent = discount.percent else { return nil }
            // Rounded up: a share of a cent still counts against the limit.
            let share = (order.total.minor * Int64(min(max(percent, 0), 100)) + 99) / 100
            return Amount(minor: share, currency: order.total.currency)
        default:
            return nil
        }
    }

    public enum Decision: Equatable, Sendable {
        case allowed
        /// Waits for an admin; the sentence says why (shown with the waiting action).
        case needsApproval(String)
    }

    /// - Parameters:
    ///   - earlierMinor: what earlier actions on this order within the window moved or may move.
    ///   - isAdmin: admins' own actions never wait.
    public func decide(_ action: OrderAction, order: StoreOrder, earlierMinor: Int64, isAdmin: Bool) -> Decision {
        guard !isAdmin, let threshold = thresholdMinor else { return .allowed }
        let currency = order.total.currency
        if case .createDiscount(let discount) = action, let percent = discount.percent, percent > discountPercentLimit {
            return .needsApproval("Discounts above \(discountPercentLimit) % need an admin's approval.")
        }
        guard let amount = Self.value(of: action, order: order), amount.minor > 0 else { return .allowed }
        let total = amount.minor + max(earlierMinor, 0)
        guard total > threshold else { return .allowed }
        if earlierMinor > 0 {
            return .needsApproval("With \(Money.decimalString(minor: earlierMinor, currency: currency)) \(currency) already asked on \(order.number), "
                                  + "this makes \(Money.decimalString(minor: total, currency: currency)) \(currency), above the "
                                  + "\(Money.decimalString(minor: threshold, currency: currency)) \(currency) an agent may move without approval.")
        }
        return .needsApproval("\(amount.decimalString) \(currency) is above the \(Money.decimalString(minor: threshold, currency: currency)) \(currency) "
                              + "an agent may move without approval.")
    }
}
