/// What demo customers write, in the languages Shopdesk's users write in. Written by the team
/// for the demo; `#{order}` becomes an order number.
enum DemoPhrases {
    struct Language {
        var code: String
        var firstNames: [String]
        var lastNames: [String]
        var domain: String
        var messages: [(subject: String, text: String, tags: [String])]
        var replies: [String]
    }

    static let english = Language(
        code: "en",
        firstNames: ["Emma", "Liam", "Olivia", "Noah", "Ava", "James", "Sophia", "Lucas", "Mia", "Henry"],
        lastNames: ["Smith", "Johnson", "Brown", "Taylor", "Wilson", "Davies", "Clark", "Hall"],
        domain: "example.com",
        messages: [
            ("Where is my order?", "Hi, I ordered #{order} last week and the tracking hasn't moved since Monday. Can you check?", ["wismo"]),
            ("Return request", "The jacket from order #{order} is too small. How do I send it back for a refund?", ["return"]),
            ("Wrong item", "I received a blue mug instead of the green one in #{order}. Please help.", ["wrong-item"]),
            ("Change address", "Can I still change the delivery address for #{order}? I moved to 14 Elm Street.", ["address-change"]),
            ("Refund status", "You confirmed my return two weeks ago but the refund for #{order} isn't on my card yet.", ["refund"]),
            ("Discount code", "The code WELCOME10 says it's invalid at checkout. Is it still active?", ["discount"]),
            ("Thank you!", "Just wanted to say the package arrived early and everything is perfect. Great service!", ["praise"]),
            ("Damaged parcel", "The box for #{order} arrived crushed and the lamp is broken. I'm really disappointed.", ["damaged"]),
        ],
        replies: ["Thanks for reaching out! I've checked #{order} and it's with the courier; it should arrive within 2 days.",
                  "Sorry about that! I've started a return for you; you'll get a prepaid label by email.",
                  "I've updated the address on your order. You'll get a new confirmation shortly."]
    )

    static let portuguese = Language(
        code: "pt-BR",
        firstNames: ["João", "Maria", "Ana", "Pedro", "Lucas", "Juliana", "Gabriel", "Beatriz", "Rafael", "Camila"],
        lastNames: ["Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Rodrigues", "Almeida"],
        domain: "exemplo.com.br",
        messages: [
            ("Cadê meu pedido?", "Olá, fiz o pedido #{order} há 10 dias e ainda não chegou. O rastreio não atualiza.", ["wismo"]),
            ("Devolução", "Quero fazer a devolução do pedido #{order}, o tênis ficou apertado. Como faço?", ["return"]),
            ("Reembolso", "Já devolvi o produto do pedido #{order} mas o estorno ainda não apareceu no cartão.", ["refund"]),
            ("Produto com defeito", "O liquidificador do pedido #{order} veio com defeito, não liga. Estou muito chateada.", ["damaged"]),
            ("Trocar endereço", "Consigo alterar o endereço de entrega do pedido #{order}? Mudei de apartamento.", ["address-change"]),
            ("Cupom não funciona", "O cupom de desconto PRIMEIRA não está funcionando no carrinho.", ["discount"]),
            ("Obrigado!", "Chegou tudo certinho e antes do prazo. Adorei o atendimento, parabéns!", ["praise"]),
        ],
        replies: ["Olá! Verifiquei o pedido #{order} e ele já está com a transportadora; deve chegar em até 3 dias úteis.",
                  "Sinto muito pelo transtorno! Já abri a troca e enviamos a etiqueta por e-mail.",
                  "O estorno foi processado hoje e pode levar até 2 faturas para aparecer."]
    )

    static let russian = Language(
        code: "ru",
        firstNames: ["Ольга", "Иван", "Анна", "Дмитрий", "Мария", "Сергей", "Елена", "Алексей", "Наталья", "Михаил"],
        lastNames: ["Иванова", "Смирнов", "Кузнецова", "Попов", "Соколова", "Лебедев", "Новикова", "Морозов"],
        domain: "example.ru",
        messages: [
            ("Где мой заказ?", "Здравствуйте! Заказ #{order} оформлен неделю назад, а посылка всё ещё не пришла.", ["wismo"]),
            ("Возврат", "Хочу вернуть платье из заказа #{order}, не подошёл размер. Как оформить возврат?", ["return"]),
            ("Возврат денег", "Товар по заказу #{order} вернула, но деньги так и не пришли на карту.", ["refund"]),
            ("Брак", "В заказе #{order} пришла разбитая ваза. Очень расстроена, прошу помочь.", ["damaged"]),
            ("Изменить адрес", "Можно изменить адрес доставки для заказа #{order}? Я переехала.", ["address-change"]),
            ("Промокод", "Промокод SKIDKA15 не применяется при оформлении заказа.", ["discount"]),
            ("Спасибо", "Спасибо большое, всё пришло быстро и в отличном состоянии!", ["praise"]),
        ],
        replies: ["Здравствуйте! Заказ #{order} уже передан в службу доставки, он прибудет в течение 3 дней.",
                  "Приносим извинения! Мы оформили возврат, этикетка придёт вам на почту.",
                  "Адрес доставки обновлён, подтверждение придёт на вашу почту."]
    )

    static let croatian = Language(
        code: "hr",
        firstNames: ["Ivan", "Ana", "Marko", "Petra", "Luka", "Maja", "Josip", "Ivana", "Tomislav", "Lucija"],
        lastNames: ["Horvat", "Kovačević", "Babić", "Marić", "Jurić", "Novak", "Knežević", "Vuković"],
        domain: "primjer.hr",
        messages: [
            ("Gdje je moja narudžba?", "Poštovani, narudžba #{order} još nije stigla, a prošlo je deset dana. Možete li provjeriti?", ["wismo"]),
            ("Povrat robe", "Želim vratiti jaknu iz narudžbe #{order}, premala je. Kako da pošaljem povrat?", ["return"]),
            ("Povrat novca", "Vratila sam proizvod iz narudžbe #{order}, ali povrat novca još nije sjeo na račun.", ["refund"]),
            ("Oštećen paket", "Paket s narudžbom #{order} stigao je oštećen i šalica je razbijena. Jako sam nezadovoljna.", ["damaged"]),
            ("Promjena adrese", "Mogu li promijeniti adresu dostave za narudžbu #{order}? Preselila sam se u Split.", ["address-change"]),
            ("Kod za popust", "Kod za popust POPUST10 ne radi u košarici.", ["discount"]),
            ("Hvala!", "Sve je stiglo brzo i uredno zapakirano. Hvala na odličnoj usluzi!", ["praise"]),
        ],
        replies: ["Poštovani, narudžba #{order} je predana dostavnoj službi i stiže u roku od 2 dana.",
                  "Ispričavamo se! Pokrenuli smo povrat, a naljepnicu ćete dobiti e-poštom.",
                  "Adresa dostave je promijenjena, potvrdu ćete dobiti uskoro."]
    )

    static let all = [english, portuguese, russian, croatian]
}
