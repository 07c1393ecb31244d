import ShopdeskCore
import ShopdeskServer

/// The rules and messages `bench rules` uses: the mix a busy shop ends up with (intent and
/// channel routing, keyword tagging in several languages, VIP and priority escalation, a few
/// regular expressions), written for the benchmark.
enum RulesBenchData {
    static let intents = ["order_status", "shipping_delay", "cancel_order", "change_address", "return_request", "refund_status",
                          "damaged_item", "payment_problem", "discount_code", "product_question", "complaint", "thanks"]
    static let keywords = ["refund", "reembolso", "возврат", "povrat", "tracking", "rastreio", "доставка", "dostava", "broken",
                           "quebrado", "сломан", "pokvaren", "invoice", "fatura", "счёт", "račun", "cancel", "cancelar",
                           "отменить", "otkazati", "address", "endereço", "адрес", "adresa", "discount", "cupom", "скидка", "popust"]
    static let channels = ["email", "chat", "api"]
    static let tags = ["vip", "wholesale", "influencer", "fraud-check", "b2b", "returning"]

    static let messages = [
        "Hi, I ordered #4512 last week and the tracking hasn't moved since Monday. Can you check?",
        "The jacket from order #4513 is too small. How do I send it back for a refund?",
        "Olá! Meu pedido #4514 ainda não chegou e o rastreio não atualiza há dias.",
        "Quero cancelar o pedido #4515, comprei o tamanho errado.",
        "Здравствуйте! Где мой заказ #4516? Доставка задерживается уже неделю.",
        "Мне пришёл сломанный чайник, хочу возврат денег.",
        "Bok, narudžba #4517 stigla je oštećena, lampa je pokvarena. Molim povrat novca.",
        "Možete li promijeniti adresu dostave za narudžbu #4518?",
        "The code WELCOME10 says it's invalid at checkout. Is it still active?",
        "Just wanted to say the package arrived early and everything is perfect. Great service!",
        "I was charged twice for order #4519, please fix this immediately or I will dispute it!!!",
        "Do you have the linen shirt in XL? The product page says out of stock.",
    ]

    static func rule(index: Int, using generator: inout SeededGenerator) -> RuleDefinition {
        func pick<T>(_ items: [T]) -> T { items[Int(generator.next() % UInt64(items.count))] }
        let condition: RuleCondition
        switch index % 8 {
        case 0:
            condition = .all([.compare(field: "intent", op: "is", value: .string(pick(intents))),
                              .compare(field: "channel", op: "in", value: .array([.string(pick(channels)), .string(pick(channels))]))])
        case 1:
            condition = .compare(field: "message.text", op: "contains_any",
                                 value: .array([.string(pick(keywords)), .string(pick(keywords)), .string(pick(keywords))]))
        case 2:
            condition = .all([.compare(field: "tags", op: "includes", value: .string(pick(tags))),
                              .compare(field: "priority", op: "lt", value: .string("high"))])
        case 3:
            condition = .all([.compare(field: "sentiment", op: "is", value: .string("negative")),
                              .any([.compare(field: "customer.email_domain", op: "is", value: .string("example.com")),
                                    .compare(field: "message.text", op: "contains", value: .string(pick(keywords)))])])
        case 4:
            condition = .all([.compare(field: "language", op: "in", value: .array([.string("pt"), .string("ru")])),
                              .compare(field: "message.text", op: "contains", value: .string(pick(keywords)))])
        case 5:
            condition = index % 40 == 5
                ? .compare(field: "message.text", op: "matches", value: .string("#45\\d\\d"))
                : .all([.compare(field: "business_hours", op: "is", value: .bool(false)),
                        .compare(field: "intent", op: "in", value: .array([.string(pick(intents)), .string(pick(intents))]))])
        case 6:
            condition = .all([.compare(field: "inbox_id", op: "is", value: .number(Double(1 + index % 5))),
                              .compare(field: "subject", op: "contains", value: .string(pick(keywords)))])
        default:
            condition = .any([.compare(field: "urgent", op: "is", value: .bool(true)),
                              .compare(field: "message.text", op: "starts_with", value: .string("urgent"))])
        }
        return RuleDefinition(name: "Rule \(index)", triggers: [.messageInbound], conditions: condition,
                              actions: [.addTags(["auto-\(index % 17)"]), .setPriority(.high)])
    }

    /// Facts as the write path prepares them: texts no rule reads are not folded.
    static func facts(index: Int, text: String, rules: RuleSet) -> RuleFacts {
        RuleFacts(trigger: .messageInbound, channel: channels[index % channels.count], inboxID: Int64(1 + index % 5),
                  subject: index % 2 == 0 && rules.reads(.subject) ? "Order #\(4500 + index % 100)" : nil, text: text,
                  language: ["en", "pt", "ru", "hr"][index % 4], intent: intents[index % intents.count],
                  sentiment: index % 3 == 0 ? "negative" : "neutral", urgent: index % 50 == 0, priority: .normal, status: .open,
                  assigneeID: nil, teamID: nil, tags: index % 7 == 0 ? ["vip"] : [], customerEmail: "c\(index)@example.com",
                  customerName: rules.reads(.customerName) ? "Customer \(index)" : nil, withinBusinessHours: index % 4 != 0, hoursSinceCreated: 0,
                  messageCount: 1)
    }
}
