import Foundation
import ShopdeskCore
import ShopdeskStore

/// The weekly digest's subject and text in an admin's language: headline figures with their
/// change against the week before, revenue from support, and what rose.
enum DigestText {
    static func compose(workspace: String, from: Int, to: Int, week: ReportQueries.Period, previous: ReportQueries.Period,
                        topics: ReportTopics.Topics, revenue: ReportRevenue.Revenue, locale: String, link: String?) -> (subject: String, text: String) {
        let words = DigestWords.forLocale(locale)
        let days = "\(ReportClock.text(from)) – \(ReportClock.text(ReportClock.adding(-1, to: to)))"
        let subject = "\(words.subject) — \(workspace): \(days)"
        var lines = ["\(workspace) · \(days)", ""]
        let change = { (now: Int?, before: Int?) -> String in
            guard let now, let before, before > 0 else { return "" }
            let percent = Int((Double(now - before) / Double(before) * 100).rounded())
            return percent == 0 ? " (=)" : " (\(percent > 0 ? "▲" : "▼") \(abs(percent)) %)"
        }
        lines.append("\(words.conversations): \(week.conversations)\(change(week.conversations, previous.conversations))")
        lines.append("\(words.firstResponse): \(duration(week.firstResponse.calendar.median, words))\(previous.firstResponse.calendar.median.map { " (\(words.before): \(duration($0, words)))" } ?? "")")
        lines.append("\(words.resolution): \(duration(week.resolution.calendar.median, words))")
        lines.append("\(words.resolved): \(week.resolved)\(change(week.resolved, previous.resolved))")
        if week.firstResolvedWithResponse > 0 {
            lines.append("\(words.fcr): \(Int((Double(week.fcr) / Double(week.firstResolvedWithResponse) * 100).rounded())) %")
        }
        if week.csatAnswers > 0 {
            lines.append("\(words.csat): \(Int((Double(week.csatSatisfied) / Double(week.csatAnswers) * 100).rounded())) % (\(week.csatAnswers) \(words.answers))")
        }
        for line in revenue.totals {
            lines.append("\(words.revenue): \(Amount(minor: line.amountMinor, currency: line.currency).decimalString) \(line.currency) (\(line.orders) \(words.orders))")
        }
        let rising = topics.intents.filter(\.rising)
        if !rising.isEmpty || !topics.terms.isEmpty {
            lines.append("")
            lines.append("\(words.rising):")
            for intent in rising.prefix(5) { lines.append("  • \(intent.key.isEmpty ? "—" : intent.key): \(intent.previous) → \(intent.count)") }
            for term in topics.terms.prefix(8) { lines.append("  • “\(term.key)”: \(term.previous) → \(term.count)") }
        }
        if let link {
            lines.append("")
            lines.append("\(words.open): \(link.hasSuffix("/") ? String(link.dropLast()) : link)/#/reports")
        }
        lines.append("")
        lines.append(words.footer)
        return (subject, lines.joined(separator: "\n") + "\n")
    }

    /// Minutes under two hours, hours under two days, then days.
    static func duration(_ seconds: Int?, _ words: DigestWords) -> String {
        guard let seconds else { return "—" }
        if seconds < 7_200 { return "\(max(0, seconds) / 60) \(words.minutes)" }
        if seconds < 172_800 { return "\(seconds / 3_600) \(words.hours)" }
        return "\(seconds / 86_400) \(words.days)"
    }
}

struct DigestWords {
    var subject, conversations, firstResponse, before, resolution, resolved, fcr, csat, answers, revenue, orders, rising, open, footer: String
    var minutes, hours, days: String

    static func forLocale(_ locale: String) -> DigestWords {
        switch locale.prefix(2) {
        case "pt": .init(subject: "Resumo da semana", conversations: "Conversas novas", firstResponse: "Primeira resposta (mediana)", before: "antes",
                         resolution: "Resolução (mediana)", resolved: "Resolvidas", fcr: "Resolvidas no primeiro contato", csat: "Satisfação",
                         answers: "respostas", revenue: "Receita do atendimento", orders: "pedidos", rising: "Assuntos em alta", open: "Relatórios",
                         footer: "Você recebe este resumo como administrador. Desative em Relatórios → Placar.", minutes: "min", hours: "h", days: "dias")
        case "ru": .init(subject: "Итоги недели", conversations: "Новые разговоры", firstResponse: "Первый ответ (медиана)", before: "раньше",
                         resolution: "Решение (медиана)", resolved: "Решено", fcr: "Решено с первого контакта", csat: "Удовлетворённость",
                         answers: "ответов", revenue: "Выручка от поддержки", orders: "заказов", rising: "Растущие темы", open: "Отчёты",
                         footer: "Эта сводка приходит администраторам. Отключить: Отчёты → Табло.", minutes: "мин", hours: "ч", days: "дн.")
        case "hr": .init(subject: "Tjedni pregled", conversations: "Novi razgovori", firstResponse: "Prvi odgovor (medijan)", before: "prije",
                         resolution: "Rješavanje (medijan)", resolved: "Riješeno", fcr: "Riješeno u prvom kontaktu", csat: "Zadovoljstvo",
                         answers: "odgovora", revenue: "Prihod od podrške", orders: "narudžbi", rising: "Teme u porastu", open: "Izvještaji",
                         footer: "Ovaj pregled stiže administratorima. Isključite u Izvještaji → Ljestvica.", minutes: "min", hours: "h", days: "dana")
        default: .init(subject: "Weekly digest", conversations: "New conversations", firstResponse: "First response (median)", before: "before",
                       resolution: "Resolution (median)", resolved: "Resolved", fcr: "First contact resolution", csat: "Satisfaction",
                       answers: "answers", revenue: "Revenue from support", orders: "orders", rising: "Rising topics", open: "Reports",
                       footer: "Admins get this digest. Turn it off in Reports → Scoreboard.", minutes: "min", hours: "h", days: "days")
        }
    }
}
