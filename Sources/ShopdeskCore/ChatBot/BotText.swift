/// What the bot says, in the four languages; it always says it is a bot.
public enum BotText {
    public static let quickReplies = ["helped", "person"]

    /// A quick reply's label, as the customer taps it: the words the bot then reads back
    /// ("answered it", "person"…), the same as the chat widget's buttons. At most 20 characters,
    /// the shortest limit of the channels with buttons (WhatsApp, Messenger).
    public static func choice(_ key: String, _ language: String?) -> String {
        let labels: [String: [String: String]] = [
            "en": ["helped": "That answered it", "person": "Talk to a person", "yes": "Yes", "no": "No"],
            "pt": ["helped": "Isso resolveu", "person": "Falar com uma pessoa", "yes": "Sim", "no": "Não"],
            "ru": ["helped": "Это помогло", "person": "Позвать человека", "yes": "Да", "no": "Нет"],
            "hr": ["helped": "To je pomoglo", "person": "Razgovarati s osobom", "yes": "Da", "no": "Ne"],
        ]
        let code = language.map { String($0.prefix(2)) } ?? "en"
        return labels[code == "bs" || code == "sr" ? "hr" : code]?[key] ?? labels["en"]?[key] ?? key
    }

    private static let table: [String: [String: String]] = [
        "en": [
            "hello": "Hi, I'm the shop's automatic assistant (a bot). ",
            "answer": "This article may answer your question:", "helped?": "Did that help? If not, ask for a person at any time.",
            "askOrder": "I can look your order up. Please send the order number and the email you used for the order.",
            "askAgain": "I still need the order number (for example #1234) and the email used for the order.",
            "notFound": "I couldn't find an order with that number and email.",
            "order": "Order {number}: {status}.", "tracking": "Tracking: {tracking}", "anythingElse": "Anything else? You can ask for a person at any time.",
            "handOver": "I'm passing you to a person from our team. They can see this conversation, so you won't need to repeat anything.",
            "resolved": "Glad that helped! If anything else comes up, just write here.",
            "st.preparing": "being prepared", "st.partial": "partly shipped", "st.shipped": "shipped", "st.cancelled": "cancelled",
            "st.hold": "on hold", "st.unpaid": "awaiting payment", "st.refunded": "refunded",
        ],
        "pt": [
            "hello": "Olá, sou o assistente automático da loja (um bot). ",
            "answer": "Este artigo pode responder à sua pergunta:", "helped?": "Isso ajudou? Se não, peça para falar com uma pessoa a qualquer momento.",
            "askOrder": "Posso consultar o seu pedido. Envie o número do pedido e o e-mail usado na compra.",
            "askAgain": "Ainda preciso do número do pedido (por exemplo #1234) e do e-mail usado na compra.",
            "notFound": "Não encontrei nenhum pedido com esse número e e-mail.",
            "order": "Pedido {number}: {status}.", "tracking": "Rastreio: {tracking}", "anythingElse": "Mais alguma coisa? Você pode pedir uma pessoa a qualquer momento.",
            "handOver": "Vou passar você para uma pessoa da nossa equipe. Ela vê esta conversa, então não precisa repetir nada.",
            "resolved": "Que bom que ajudou! Se precisar de algo mais, é só escrever aqui.",
            "st.preparing": "em preparação", "st.partial": "enviado em parte", "st.shipped": "enviado", "st.cancelled": "cancelado",
            "st.hold": "em espera", "st.unpaid": "aguardando pagamento", "st.refunded": "reembolsado",
        ],
        "ru": [
            "hello": "Здравствуйте, я автоматический помощник магазина (бот). ",
            "answer": "Возможно, на ваш вопрос отвечает эта статья:", "helped?": "Помогло? Если нет, попросите соединить с человеком в любой момент.",
            "askOrder": "Я могу найти ваш заказ. Пришлите номер заказа и email, указанный при покупке.",
            "askAgain": "Мне всё ещё нужен номер заказа (например, #1234) и email, указанный при покупке.",
            "notFound": "Я не нашёл заказ с таким номером и email.",
            "order": "Заказ {number}: {status}.", "tracking": "Отслеживание: {tracking}", "anythingElse": "Что-нибудь ещё? Попросите человека в любой момент.",
            "handOver": "Передаю вас сотруднику магазина. Он видит этот разговор, повторять ничего не нужно.",
            "resolved": "Рад, что помогло! Если появятся вопросы, просто напишите сюда.",
            "st.preparing": "собирается", "st.partial": "отправлен частично", "st.shipped": "отправлен", "st.cancelled": "отменён",
            "st.hold": "приостановлен", "st.unpaid": "ждёт оплаты", "st.refunded": "деньги возвращены",
        ],
        "hr": [
            "hello": "Bok, ja sam automatski pomoćnik trgovine (bot). ",
            "answer": "Ovaj članak možda odgovara na vaše pitanje:", "helped?": "Je li pomoglo? Ako nije, u bilo kojem trenutku zatražite osobu.",
            "askOrder": "Mogu provjeriti vašu narudžbu. Pošaljite broj narudžbe i e-adresu koju ste koristili.",
            "askAgain": "Još trebam broj narudžbe (na primjer #1234) i e-adresu iz narudžbe.",
            "notFound": "Nisam pronašao narudžbu s tim brojem i e-adresom.",
            "order": "Narudžba {number}: {status}.", "tracking": "Praćenje: {tracking}", "anythingElse": "Još nešto? Osobu možete zatražiti u bilo kojem trenutku.",
            "handOver": "Prebacujem vas na osobu iz našeg tima. Vidi ovaj razgovor pa ništa ne morate ponavljati.",
            "resolved": "Drago mi je da je pomoglo! Ako zatreba još nešto, samo pišite ovdje.",
            "st.preparing": "u pripremi", "st.partial": "djelomično poslano", "st.shipped": "poslano", "st.cancelled": "otkazano",
            "st.hold": "na čekanju", "st.unpaid": "čeka plaćanje", "st.refunded": "novac vraćen",
        ],
    ]

    public static func text(_ key: String, _ language: String?, _ values: [String: String] = [:]) -> String {
        let code = language.map { String($0.prefix(2)) } ?? "en"
        let bundle = code == "bs" || code == "sr" ? "hr" : code
        let pattern = table[bundle]?[key] ?? actionTable[bundle]?[key] ?? table["en"]?[key] ?? actionTable["en"]?[key] ?? key
        return values.reduce(pattern) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
    }

    /// What the bot says about an order's state.
    public static func status(of order: StoreOrder, _ language: String?) -> String {
        if order.isCancelled { return text("st.cancelled", language) }
        if order.financialStatus == .refunded { return text("st.refunded", language) }
        if order.financialStatus == .pending { return text("st.unpaid", language) }
        let key: String = switch order.fulfillmentStatus {
        case .fulfilled: "st.shipped"
        case .partial: "st.partial"
        case .onHold: "st.hold"
        default: "st.preparing"
        }
        return text(key, language)
    }
}
