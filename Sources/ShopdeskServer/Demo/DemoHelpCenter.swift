import Foundation
import ShopdeskCore
import ShopdeskStore

/// The demo's help center at `/help/demo`: a few short articles in the four languages, the kind
/// a small shop writes first, so search, suggestions and the bot have something to answer from.
enum DemoHelpCenter {
    typealias Text = (title: String, body: String)

    static let articles: [(category: Int, texts: [String: Text])] = [
        (0, [
            "en": ("Where is my order?", "Orders leave our warehouse within **2 working days**. When yours ships you get an email with the tracking number.\n\n- Track it any time with your order number and email on our [tracking page](/help/demo/track).\n- Parcels inside the EU arrive in 2–5 working days."),
            "pt": ("Onde está o meu pedido?", "Os pedidos saem do armazém em **2 dias úteis**. Quando o seu for enviado, você recebe um e-mail com o código de rastreio.\n\n- Acompanhe a qualquer momento com o número do pedido e o e-mail na [página de rastreio](/help/demo/track?lang=pt).\n- Na UE, a entrega leva de 2 a 5 dias úteis."),
            "ru": ("Где мой заказ?", "Заказы покидают склад в течение **2 рабочих дней**. Когда ваш заказ отправлен, приходит письмо с трек-номером.\n\n- Отслеживайте заказ по номеру и email на [странице отслеживания](/help/demo/track?lang=ru).\n- Доставка по ЕС занимает 2–5 рабочих дней."),
            "hr": ("Gdje je moja narudžba?", "Narudžbe napuštaju skladište u roku od **2 radna dana**. Kad vaša krene, dobit ćete e-poruku s brojem za praćenje.\n\n- Pratite je brojem narudžbe i e-adresom na [stranici za praćenje](/help/demo/track?lang=hr).\n- Dostava unutar EU traje 2–5 radnih dana."),
        ]),
        (1, [
            "en": ("Returns and refunds", "You can return unworn items within **30 days**.\n\n1. Write to us with your order number.\n2. Pack the items with the label we send you.\n3. Once the parcel reaches us, the refund goes back to your payment method within 5 days."),
            "pt": ("Devoluções e reembolsos", "Você pode devolver itens sem uso em até **30 dias**.\n\n1. Escreva para nós com o número do pedido.\n2. Embale os itens com a etiqueta que enviarmos.\n3. Quando o pacote chegar, o reembolso volta para o seu meio de pagamento em até 5 dias."),
            "ru": ("Возврат товара и денег", "Неношеные вещи можно вернуть в течение **30 дней**.\n\n1. Напишите нам номер заказа.\n2. Упакуйте вещи и наклейте этикетку, которую мы пришлём.\n3. Когда посылка придёт к нам, деньги вернутся на ваш способ оплаты в течение 5 дней."),
            "hr": ("Povrat robe i novca", "Nenošene artikle možete vratiti u roku od **30 dana**.\n\n1. Pišite nam s brojem narudžbe.\n2. Zapakirajte artikle s naljepnicom koju vam pošaljemo.\n3. Kad paket stigne do nas, novac vraćamo na vaš način plaćanja u roku od 5 dana."),
        ]),
        (1, [
            "en": ("Exchanging for another size", "The easiest way is to return the item and order the new size, so it ships at once. If you prefer an exchange, write to us with the order number and the size you need."),
            "pt": ("Trocar por outro tamanho", "O mais rápido é devolver o item e pedir o novo tamanho, que é enviado na hora. Se preferir a troca, escreva para nós com o número do pedido e o tamanho desejado."),
            "ru": ("Обмен на другой размер", "Быстрее всего вернуть вещь и заказать нужный размер — он уйдёт сразу. Если хотите обмен, напишите нам номер заказа и нужный размер."),
            "hr": ("Zamjena za drugu veličinu", "Najbrže je vratiti artikl i naručiti novu veličinu, koja odmah kreće. Ako želite zamjenu, pišite nam s brojem narudžbe i veličinom koju trebate."),
        ]),
        (0, [
            "en": ("Changing the delivery address", "We can change the address until the order ships. Write to us with the order number and the new address; once a parcel is on its way, the carrier's tracking page lets you redirect it."),
            "pt": ("Alterar o endereço de entrega", "Podemos alterar o endereço até o pedido ser enviado. Escreva com o número do pedido e o novo endereço; depois do envio, a página da transportadora permite redirecionar o pacote."),
            "ru": ("Изменение адреса доставки", "Адрес можно изменить, пока заказ не отправлен. Напишите нам номер заказа и новый адрес; после отправки посылку можно перенаправить на сайте перевозчика."),
            "hr": ("Promjena adrese dostave", "Adresu možemo promijeniti dok narudžba ne krene. Pišite nam s brojem narudžbe i novom adresom; kad je paket na putu, preusmjeriti ga možete na stranici prijevoznika."),
        ]),
        (2, [
            "en": ("Payment methods", "We accept cards (Visa, Mastercard), PayPal and bank transfer. A card payment is only charged when the order ships."),
            "pt": ("Formas de pagamento", "Aceitamos cartões (Visa, Mastercard), PayPal e transferência bancária. O cartão só é cobrado quando o pedido é enviado."),
            "ru": ("Способы оплаты", "Мы принимаем карты (Visa, Mastercard), PayPal и банковский перевод. Деньги с карты списываются только при отправке заказа."),
            "hr": ("Načini plaćanja", "Primamo kartice (Visa, Mastercard), PayPal i bankovnu uplatu. Kartica se tereti tek kad narudžba krene."),
        ]),
    ]

    static let categories: [[String: String]] = [
        ["en": "Orders and delivery", "pt": "Pedidos e entrega", "ru": "Заказы и доставка", "hr": "Narudžbe i dostava"],
        ["en": "Returns", "pt": "Devoluções", "ru": "Возвраты", "hr": "Povrati"],
        ["en": "Payment", "pt": "Pagamento", "ru": "Оплата", "hr": "Plaćanje"],
    ]

    static func install(workspaceID: WorkspaceID, database: Database, now: Date) async throws {
        try await database.write { sql in
            try await HelpCenterRepository.saveSettings(workspaceID: workspaceID, slug: "demo",
                                                        settings: HelpSettings(title: "Demo Shop help", color: "#1d6b4f", defaultLanguage: "en"), in: sql)
            var ids: [Int64] = []
            for names in categories {
                ids.append(try await HelpCenterRepository.saveCategory(workspaceID: workspaceID, id: nil, names: names, position: nil, now: now, in: sql))
            }
            for article in articles {
                _ = try await HelpCenterRepository.saveArticle(workspaceID: workspaceID, id: nil, categoryID: .some(ids[article.category]), status: .published,
                                                               translations: article.texts.mapValues { ($0.title, $0.body) }, now: now, in: sql)
            }
        }
    }
}
