/// The words around the articles on the public help center, in the four languages.
enum HelpPageText {
    static let languages = ["en", "pt", "ru", "hr"]

    private static let table: [String: [String: String]] = [
        "en": ["search": "Search the help center", "searchButton": "Search", "results": "Results for", "none": "No article matches; try other words or write to us.",
               "helpful": "Was this article helpful?", "yes": "Yes", "no": "No", "thanks": "Thank you for telling us.", "home": "Help center",
               "other": "Other articles", "track": "Track your order", "orderNumber": "Order number", "email": "Email used for the order",
               "lookUp": "Look up", "notFound": "No order matches that number and email. Check both and try again.", "placed": "Placed",
               "trackParcel": "Track the parcel", "tooMany": "Too many attempts; wait a few minutes and try again.", "languages": "Languages",
               "st.preparing": "Being prepared", "st.partial": "Partly shipped", "st.shipped": "Shipped", "st.cancelled": "Cancelled",
               "st.hold": "On hold", "st.unpaid": "Awaiting payment", "st.refunded": "Refunded"],
        "pt": ["search": "Pesquisar na central de ajuda", "searchButton": "Pesquisar", "results": "Resultados para", "none": "Nenhum artigo encontrado; tente outras palavras ou escreva para nós.",
               "helpful": "Este artigo ajudou?", "yes": "Sim", "no": "Não", "thanks": "Obrigado por nos dizer.", "home": "Central de ajuda",
               "other": "Outros artigos", "track": "Rastrear pedido", "orderNumber": "Número do pedido", "email": "E-mail usado no pedido",
               "lookUp": "Consultar", "notFound": "Nenhum pedido com esse número e e-mail. Confira os dois e tente de novo.", "placed": "Feito em",
               "trackParcel": "Rastrear o pacote", "tooMany": "Muitas tentativas; aguarde alguns minutos.", "languages": "Idiomas",
               "st.preparing": "Em preparação", "st.partial": "Enviado em parte", "st.shipped": "Enviado", "st.cancelled": "Cancelado",
               "st.hold": "Em espera", "st.unpaid": "Aguardando pagamento", "st.refunded": "Reembolsado"],
        "ru": ["search": "Поиск по справке", "searchButton": "Найти", "results": "Результаты для", "none": "Ничего не найдено; попробуйте другие слова или напишите нам.",
               "helpful": "Статья помогла?", "yes": "Да", "no": "Нет", "thanks": "Спасибо за отзыв.", "home": "Справочный центр",
               "other": "Другие статьи", "track": "Отследить заказ", "orderNumber": "Номер заказа", "email": "Email, указанный в заказе",
               "lookUp": "Найти", "notFound": "Заказ с таким номером и email не найден. Проверьте оба поля.", "placed": "Оформлен",
               "trackParcel": "Отследить посылку", "tooMany": "Слишком много попыток; подождите несколько минут.", "languages": "Языки",
               "st.preparing": "Собирается", "st.partial": "Отправлен частично", "st.shipped": "Отправлен", "st.cancelled": "Отменён",
               "st.hold": "Приостановлен", "st.unpaid": "Ждёт оплаты", "st.refunded": "Деньги возвращены"],
        "hr": ["search": "Pretraži centar za pomoć", "searchButton": "Traži", "results": "Rezultati za", "none": "Nijedan članak ne odgovara; pokušajte drugim riječima ili nam pišite.",
               "helpful": "Je li vam članak pomogao?", "yes": "Da", "no": "Ne", "thanks": "Hvala što ste nam rekli.", "home": "Centar za pomoć",
               "other": "Ostali članci", "track": "Praćenje narudžbe", "orderNumber": "Broj narudžbe", "email": "E-adresa iz narudžbe",
               "lookUp": "Provjeri", "notFound": "Nema narudžbe s tim brojem i e-adresom. Provjerite oboje.", "placed": "Naručeno",
               "trackParcel": "Prati paket", "tooMany": "Previše pokušaja; pričekajte nekoliko minuta.", "languages": "Jezici",
               "st.preparing": "U pripremi", "st.partial": "Djelomično poslano", "st.shipped": "Poslano", "st.cancelled": "Otkazano",
               "st.hold": "Na čekanju", "st.unpaid": "Čeka plaćanje", "st.refunded": "Novac vraćen"],
    ]

    static func text(_ key: String, _ language: String) -> String {
        table[String(language.prefix(2))]?[key] ?? table["en"]?[key] ?? key
    }

    static let languageNames = ["en": "English", "pt": "Português", "ru": "Русский", "hr": "Hrvatski", "es": "Español", "de": "Deutsch",
                                "fr": "Français", "it": "Italiano", "pl": "Polski", "uk": "Українська", "sr": "Srpski", "bs": "Bosanski"]
}
