import ShopdeskCore

/// The words of the help center's returns pages in the four languages, and Shopdesk's own
/// return instructions for shops that wrote none.
enum HelpReturnText {
    private static let table: [String: [String: String]] = [
        "en": ["title": "Return an item", "intro": "Find your order with its number and the email you used.", "find": "Find my order",
               "choose": "Choose what to send back", "quantity": "How many", "reason": "Reason", "note": "Anything we should know? (optional)",
               "photos": "Photos (up to 3; needed for damaged or wrong items)", "send": "Request the return", "finalSale": "Final sale — cannot be returned",
               "none": "Nothing left to return", "requested": "Your return is requested", "number": "Return number",
               "instructions": "We will check your request and write to you at %@.", "sendTo": "Once it is approved, pack the items with everything they came with and send them to the address below. Keep the shipping receipt until the refund arrives.",
               "later": "Once it is approved, we will tell you where to send the items.",
               "address": "Send to",
               "r.size_too_small": "Too small", "r.size_too_large": "Too large", "r.unwanted": "Changed my mind", "r.not_as_described": "Not as described",
               "r.wrong_item": "Wrong item sent", "r.defective": "Damaged or defective", "r.style": "Did not like the style", "r.color": "Did not like the colour",
               "r.other": "Another reason",
               "x.cancelled": "This order is cancelled; there is nothing to return.", "x.not_shipped": "This order has not shipped yet. Write to us to change or cancel it.",
               "x.window_closed": "The return window for this order has closed.", "x.no_items": "Choose at least one item.",
               "x.final_sale": "A final-sale item cannot be returned.", "x.too_many": "You chose more than can be returned.",
               "x.photo_needed": "Add a photo of the item for this reason.", "x.reason": "Choose a reason from the list.", "x.photo_type": "Photos must be JPEG, PNG, WebP or GIF images.",
               "x.unavailable": "The shop could not take the return just now; try again in a few minutes or write to us."],
        "pt": ["title": "Devolver um artigo", "intro": "Encontre o seu pedido com o número e o e-mail usado na compra.", "find": "Encontrar o meu pedido",
               "choose": "Escolha o que quer devolver", "quantity": "Quantidade", "reason": "Motivo", "note": "Algo que devamos saber? (opcional)",
               "photos": "Fotos (até 3; necessárias para artigos danificados ou errados)", "send": "Pedir a devolução", "finalSale": "Venda final — não pode ser devolvido",
               "none": "Nada mais para devolver", "requested": "O seu pedido de devolução foi registado", "number": "Número da devolução",
               "instructions": "Vamos analisar o seu pedido e escrever-lhe para %@.", "sendTo": "Depois de aprovado, embale os artigos com tudo o que veio com eles e envie-os para a morada abaixo. Guarde o comprovativo de envio até receber o reembolso.",
               "later": "Depois de aprovado, diremos para onde enviar os artigos.",
               "address": "Enviar para",
               "r.size_too_small": "Pequeno demais", "r.size_too_large": "Grande demais", "r.unwanted": "Mudei de ideias", "r.not_as_described": "Diferente da descrição",
               "r.wrong_item": "Recebi o artigo errado", "r.defective": "Danificado ou com defeito", "r.style": "Não gostei do estilo", "r.color": "Não gostei da cor",
               "r.other": "Outro motivo",
               "x.cancelled": "Este pedido foi cancelado; não há nada a devolver.", "x.not_shipped": "Este pedido ainda não foi enviado. Escreva-nos para o alterar ou cancelar.",
               "x.window_closed": "O prazo de devolução deste pedido terminou.", "x.no_items": "Escolha pelo menos um artigo.",
               "x.final_sale": "Um artigo de venda final não pode ser devolvido.", "x.too_many": "Escolheu mais do que pode ser devolvido.",
               "x.photo_needed": "Adicione uma foto do artigo para este motivo.", "x.reason": "Escolha um motivo da lista.", "x.photo_type": "As fotos devem ser imagens JPEG, PNG, WebP ou GIF.",
               "x.unavailable": "A loja não conseguiu registar a devolução agora; tente de novo dentro de alguns minutos ou escreva-nos."],
        "ru": ["title": "Вернуть товар", "intro": "Найдите заказ по номеру и email, указанному при покупке.", "find": "Найти заказ",
               "choose": "Выберите, что вернуть", "quantity": "Количество", "reason": "Причина", "note": "Что нам стоит знать? (необязательно)",
               "photos": "Фото (до 3; нужны для повреждённых или неверных товаров)", "send": "Оформить возврат", "finalSale": "Окончательная продажа — возврату не подлежит",
               "none": "Больше нечего вернуть", "requested": "Заявка на возврат принята", "number": "Номер возврата",
               "instructions": "Мы проверим заявку и напишем вам на %@.", "sendTo": "После одобрения упакуйте товары со всем, что к ним прилагалось, и отправьте по адресу ниже. Сохраните квитанцию об отправке до получения денег.",
               "later": "После одобрения мы сообщим, куда отправить товары.",
               "address": "Адрес для отправки",
               "r.size_too_small": "Мал", "r.size_too_large": "Велик", "r.unwanted": "Передумал(а)", "r.not_as_described": "Не соответствует описанию",
               "r.wrong_item": "Прислали не тот товар", "r.defective": "Повреждён или брак", "r.style": "Не понравился фасон", "r.color": "Не понравился цвет",
               "r.other": "Другая причина",
               "x.cancelled": "Этот заказ отменён; возвращать нечего.", "x.not_shipped": "Заказ ещё не отправлен. Напишите нам, чтобы изменить или отменить его.",
               "x.window_closed": "Срок возврата для этого заказа истёк.", "x.no_items": "Выберите хотя бы один товар.",
               "x.final_sale": "Товар окончательной продажи нельзя вернуть.", "x.too_many": "Выбрано больше, чем можно вернуть.",
               "x.photo_needed": "Для этой причины добавьте фото товара.", "x.reason": "Выберите причину из списка.", "x.photo_type": "Фото должны быть в формате JPEG, PNG, WebP или GIF.",
               "x.unavailable": "Магазин не смог принять возврат сейчас; попробуйте через несколько минут или напишите нам."],
        "hr": ["title": "Povrat artikla", "intro": "Pronađite narudžbu po broju i e-adresi koju ste koristili.", "find": "Pronađi narudžbu",
               "choose": "Odaberite što vraćate", "quantity": "Količina", "reason": "Razlog", "note": "Trebamo li nešto znati? (neobavezno)",
               "photos": "Fotografije (do 3; potrebne za oštećene ili pogrešne artikle)", "send": "Zatraži povrat", "finalSale": "Konačna prodaja — nije moguć povrat",
               "none": "Ništa više za povrat", "requested": "Zahtjev za povrat je zaprimljen", "number": "Broj povrata",
               "instructions": "Provjerit ćemo zahtjev i javiti vam se na %@.", "sendTo": "Nakon odobrenja zapakirajte artikle sa svime što ste dobili uz njih i pošaljite ih na adresu ispod. Sačuvajte potvrdu o slanju dok ne primite povrat novca.",
               "later": "Nakon odobrenja javit ćemo vam kamo poslati artikle.",
               "address": "Pošaljite na",
               "r.size_too_small": "Premalo", "r.size_too_large": "Preveliko", "r.unwanted": "Predomislio/la sam se", "r.not_as_described": "Ne odgovara opisu",
               "r.wrong_item": "Poslan pogrešan artikl", "r.defective": "Oštećeno ili neispravno", "r.style": "Ne sviđa mi se stil", "r.color": "Ne sviđa mi se boja",
               "r.other": "Drugi razlog",
               "x.cancelled": "Narudžba je otkazana; nema se što vratiti.", "x.not_shipped": "Narudžba još nije poslana. Pišite nam da je promijenimo ili otkažemo.",
               "x.window_closed": "Rok za povrat ove narudžbe je istekao.", "x.no_items": "Odaberite barem jedan artikl.",
               "x.final_sale": "Artikl iz konačne prodaje ne može se vratiti.", "x.too_many": "Odabrali ste više nego što se može vratiti.",
               "x.photo_needed": "Za ovaj razlog dodajte fotografiju artikla.", "x.reason": "Odaberite razlog s popisa.", "x.photo_type": "Fotografije moraju biti JPEG, PNG, WebP ili GIF.",
               "x.unavailable": "Trgovina trenutno ne može zaprimiti povrat; pokušajte za nekoliko minuta ili nam pišite."],
    ]

    static func text(_ key: String, _ language: String) -> String {
        table[String(language.prefix(2))]?[key] ?? table["en"]?[key] ?? key
    }

    static func reason(_ reason: ReturnReason, _ language: String) -> String { text("r." + reason.rawValue, language) }

    /// The shop's own instructions in this language, else ours, with the customer's email in them.
    static func instructions(_ policy: ReturnPolicy, language: String, email: String) -> String {
        if let own = policy.instructions[String(language.prefix(2))] ?? policy.instructions["en"] { return own }
        let next = text(policy.address == nil ? "later" : "sendTo", language)
        return text("instructions", language).replacingOccurrences(of: "%@", with: email) + " " + next
    }
}
