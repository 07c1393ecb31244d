import Foundation
import HTTPTypes
import Hummingbird
import ShopdeskCore

/// The scoreboard on a TV (`/tv/<token>`): large type, dark, server-rendered without script and
/// refreshed by the page every 30 seconds, in the language the link names or the TV's browser asks for. It shows
/// agents' first names' figures and customers' comments, never a customer's name or address.
enum TVPage {
    static let refreshSeconds = 30

    static func render(_ board: ScoreboardDTO, language: String) -> Response {
        let escape = HTMLEscaping.escape
        let words = ScoreboardWords.forLocale(language)
        var html = """
            <!doctype html><html lang="\(escape(language))"><head><meta charset="utf-8">
            <meta http-equiv="refresh" content="\(refreshSeconds)"><meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex"><title>\(escape(board.workspace)) — \(escape(words.scoreboard))</title>
            <style>
            body { margin: 0; font: 22px/1.35 system-ui, sans-serif; background: #101418; color: #eef1f4; padding: 2vw 3vw; }
            h1 { font-size: 2.2em; margin: 0 0 .2em; } .week { color: #9aa6b2; margin: 0 0 1em; }
            .agents { display: grid; grid-template-columns: repeat(auto-fill, minmax(22em, 1fr)); gap: 1em; }
            .agent { background: #1b2128; border-radius: 14px; padding: .8em 1em; } .agent h2 { margin: 0 0 .4em; font-size: 1.4em; }
            .streak { color: #ffb347; font-weight: 700; } .goal { margin: .35em 0; } .goal span { display: inline-block; min-width: 9em; }
            meter { width: 100%; height: 1em; } .met { color: #7ee0a1; } .kudos { margin-top: 1.2em; } .kudos blockquote { margin: .4em 0;
            padding: .4em .8em; border-left: 4px solid #7ee0a1; background: #1b2128; border-radius: 6px; }
            </style></head><body><h1>\(escape(board.workspace)) — \(escape(words.scoreboard))</h1>
            <p class="week">\(escape(board.week)) – \(escape(board.weekEnd))</p><div class="agents">
            """
        for agent in board.agents {
            html += "<section class=\"agent\"><h2>\(escape(agent.name))"
            if agent.streak > 0 { html += " <span class=\"streak\">🔥 \(agent.streak) \(escape(words.weeks))</span>" }
            html += "</h2>"
            if agent.progress.isEmpty {
                html += "<p>\(escape(words.resolved)): \(Int(agent.values["resolved"].flatMap { $0 } ?? 0))</p>"
            }
            for goal in agent.progress {
                let target = board.goals.first { $0.metric == goal.metric }?.target ?? 0
                let value = goal.value.map { $0 == $0.rounded() ? String(Int($0)) : String($0) } ?? "—"
                html += "<div class=\"goal\(goal.met ? " met" : "")\"><span>\(escape(words.metric(goal.metric)))</span> \(escape(value)) / \(escape(target == target.rounded() ? String(Int(target)) : String(target)))"
                html += goal.met ? " ✓" : ""
                html += "<meter min=\"0\" max=\"1\" value=\"\(goal.progress)\"></meter></div>"
            }
            html += "</section>"
        }
        html += "</div>"
        if !board.kudos.isEmpty {
            html += "<section class=\"kudos\"><h2>\(escape(words.kudos))</h2>"
            for kudos in board.kudos.prefix(5) {
                html += "<blockquote>“\(escape(kudos.comment))”\(kudos.agentName.map { " — \(escape($0))" } ?? "")</blockquote>"
            }
            html += "</section>"
        }
        html += "</body></html>"
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"
        headers[.cacheControl] = "no-store"
        // The token is in the address: never send it on as a referrer.
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The language the link names (`?lang=hr`), else the first of our four the TV's browser
    /// accepts, else English.
    static func language(_ request: Request) -> String {
        if let chosen = request.uri.queryParameters.get("lang").map({ String($0.lowercased().prefix(2)) }),
           ["en", "pt", "ru", "hr"].contains(chosen) { return chosen }
        for part in (request.headers[.acceptLanguage] ?? "").split(separator: ",") {
            let code = part.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased().prefix(2) } ?? ""
            if ["en", "pt", "ru", "hr"].contains(String(code)) { return String(code) }
        }
        return "en"
    }
}

/// The scoreboard's and the digest's words in four languages.
struct ScoreboardWords {
    var scoreboard: String, weeks: String, kudos: String, resolved: String, csat: String, firstResponse: String, online: String

    func metric(_ name: String) -> String {
        switch name {
        case "csat": csat
        case "first_response_minutes": firstResponse
        case "online_hours": online
        default: resolved
        }
    }

    static func forLocale(_ locale: String) -> ScoreboardWords {
        switch locale.prefix(2) {
        case "pt": .init(scoreboard: "Placar da equipe", weeks: "semanas", kudos: "O que os clientes disseram", resolved: "Resolvidas",
                         csat: "Satisfação (%)", firstResponse: "1ª resposta (min)", online: "Horas online")
        case "ru": .init(scoreboard: "Табло команды", weeks: "нед.", kudos: "Что сказали клиенты", resolved: "Решено",
                         csat: "Удовлетворённость (%)", firstResponse: "Первый ответ (мин)", online: "Часов в сети")
        case "hr": .init(scoreboard: "Ljestvica tima", weeks: "tjedana", kudos: "Što su kupci rekli", resolved: "Riješeno",
                         csat: "Zadovoljstvo (%)", firstResponse: "Prvi odgovor (min)", online: "Sati na mreži")
        default: .init(scoreboard: "Team scoreboard", weeks: "weeks", kudos: "What customers said", resolved: "Resolved",
                       csat: "Satisfaction (%)", firstResponse: "First response (min)", online: "Hours online")
        }
    }
}
