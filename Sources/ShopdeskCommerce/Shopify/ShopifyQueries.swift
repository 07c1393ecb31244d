/// The GraphQL documents Shopdesk sends to the Shopify Admin API, one named operation each.
/// The fake Shopify server in the test suite answers them by operation name.
enum ShopifyQueries {
    static let apiVersion = "2026-07"

    static let orderFields = """
    fragment OrderFields on Order {
      id name email phone createdAt updatedAt cancelledAt cancelReason displayFinancialStatus displayFulfillmentStatus note tags discountCodes
      customer { id }
      totalPriceSet { shopMoney { amount currencyCode } }
      subtotalPriceSet { shopMoney { amount currencyCode } }
      totalShippingPriceSet { shopMoney { amount currencyCode } }
      totalRefundedSet { shopMoney { amount currencyCode } }
      shippingAddress { name address1 address2 city provinceCode zip countryCodeV2 phone }
      lineItems(first: 50) { nodes { id title variantTitle sku quantity refundableQuantity originalUnitPriceSet { shopMoney { amount currencyCode } } product { tags } } }
      fulfillments(first: 10) { id status createdAt deliveredAt trackingInfo(first: 3) { company number url } }
      refunds(first: 20) { id createdAt note totalRefundedSet { shopMoney { amount currencyCode } } }
    }
    """

    static let shopInfo = "query ShopInfo { shop { name currencyCode myshopifyDomain } }"

    static let ordersByQuery = """
    query CustomerOrders($first: Int!, $query: String!) {
      orders(first: $first, query: $query, sortKey: CREATED_AT, reverse: true) { nodes { ...OrderFields } }
    }
    """ + "\n" + orderFields

    static let ordersByPhone = """
    query CustomerOrdersByPhone($first: Int!, $query: String!) {
      customers(first: 1, query: $query) { nodes { id orders(first: $first, sortKey: CREATED_AT, reverse: true) { nodes { ...OrderFields } } } }
    }
    """ + "\n" + orderFields

    static let order = """
    query Order($id: ID!) { order(id: $id) { ...OrderFields } }
    """ + "\n" + orderFields

    static let transactions = """
    query OrderTransactions($id: ID!) { order(id: $id) { transactions(first: 20) { id kind status gateway } } }
    """

    /// What Shopify would return for these lines and shipping, and through which transactions:
    /// `refundCreate` moves only the money named in its `transactions`, so a refund by lines
    /// sends these (an empty list restocks and records the refund but returns nothing).
    static let suggestedRefund = """
    query SuggestedRefund($id: ID!, $refundLineItems: [RefundLineItemInput!], $refundShipping: Boolean) {
      order(id: $id) {
        suggestedRefund(refundLineItems: $refundLineItems, refundShipping: $refundShipping) {
          amountSet { shopMoney { amount currencyCode } }
          suggestedTransactions { kind gateway amountSet { shopMoney { amount currencyCode } } parentTransaction { id } }
        }
      }
    }
    """

    static let cancel = """
    mutation OrderCancel($orderId: ID!, $notifyCustomer: Boolean, $refundMethod: OrderCancelRefundMethodInput!, $restock: Boolean!, $reason: OrderCancelReason!, $staffNote: String) {
      orderCancel(orderId: $orderId, notifyCustomer: $notifyCustomer, refundMethod: $refundMethod, restock: $restock, reason: $reason, staffNote: $staffNote) {
        job { id done }
        orderCancelUserErrors { field message code }
      }
    }
    """

    /// `key` is checked to be letters, digits and dashes before it is written into the document.
    static func refund(idempotencyKey key: String) -> String {
        """
        mutation RefundCreate($input: RefundInput!) {
          refundCreate(input: $input) @idempotent(key: "\(key)") {
            refund { id createdAt note totalRefundedSet { shopMoney { amount currencyCode } } }
            userErrors { field message }
          }
        }
        """
    }

    static let orderUpdate = """
    mutation OrderUpdate($input: OrderInput!) { orderUpdate(input: $input) { order { id } userErrors { field message } } }
    """

    /// The shipment's tracking written back unchanged with `notifyCustomer`: Shopify emails its own
    /// shipping confirmation (the shop's template, language and branding) again.
    static let trackingInfoUpdate = """
    mutation FulfillmentTrackingInfoUpdate($fulfillmentId: ID!, $trackingInfoInput: FulfillmentTrackingInput!, $notifyCustomer: Boolean) {
      fulfillmentTrackingInfoUpdate(fulfillmentId: $fulfillmentId, trackingInfoInput: $trackingInfoInput, notifyCustomer: $notifyCustomer) {
        fulfillment { id } userErrors { field message }
      }
    }
    """

    static let tagsAdd = """
    mutation TagsAdd($id: ID!, $tags: [String!]!) { tagsAdd(id: $id, tags: $tags) { node { id } userErrors { field message } } }
    """

    static let discountCreate = """
    mutation DiscountCodeBasicCreate($basicCodeDiscount: DiscountCodeBasicInput!) {
      discountCodeBasicCreate(basicCodeDiscount: $basicCodeDiscount) { codeDiscountNode { id } userErrors { field code message } }
    }
    """

    /// The shop's webhook subscriptions for this app (the `uri` field replaced `callbackUrl` in 2025-10).
    static let webhookSubscriptions = """
    query WebhookSubscriptions($first: Int!) { webhookSubscriptions(first: $first) { nodes { id topic uri } } }
    """

    static let webhookSubscriptionCreate = """
    mutation WebhookSubscriptionCreate($topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!) {
      webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) { webhookSubscription { id topic uri } userErrors { field message } }
    }
    """

    /// The backfill: totals first, then pages (customers, then orders by their last change).
    static let backfillCounts = """
    query BackfillCounts($query: String!) { customersCount { count } ordersCount(query: $query) { count } }
    """

    static let backfillCustomers = """
    query BackfillCustomers($first: Int!, $after: String) {
      customers(first: $first, after: $after, sortKey: ID) {
        nodes { id firstName lastName defaultEmailAddress { emailAddress } defaultPhoneNumber { phoneNumber } tags }
        pageInfo { hasNextPage endCursor }
      }
    }
    """

    static let backfillOrders = """
    query BackfillOrders($first: Int!, $after: String, $query: String!) {
      orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) { nodes { ...OrderFields } pageInfo { hasNextPage endCursor } }
    }
    """ + "\n" + orderFields
}
