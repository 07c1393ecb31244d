import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskStore

/// A report as the API gives it: the period's figures and the previous period's, with the days
/// as `YYYY-MM-DD` of the workspace's calendar (`to` not included).
struct OverviewDTO: ResponseEncodable {
    struct DistributionDTO: Encodable {
        var count: Int
        var median: Int?
        var p90: Int?
        var mean: Double?
        /// Values under 5 min, 15 min, 1 h, 4 h, 24 h, and at or over 24 h.
        var buckets: [Int]

        init(_ value: ReportQueries.Distribution) {
            count = value.count
            median = value.median
            p90 = value.p90
            mean = value.mean.map { ($0 * 10).rounded() / 10 }
            buckets = value.buckets
        }
    }
    struct SpeedDTO: Encodable {
        var calendar: DistributionDTO
        var business: DistributionDTO
        init(_ value: ReportQueries.Speed) { calendar = .init(value.calendar); business = .init(value.business) }
    }
    struct CountDTO: Encodable { var key: String; var count: Int }
    struct DayDTO: Encodable { var day: String; var count: Int }
    struct SLADTO: Encodable {
        var met: Int
        var breached: Int
        /// Met ÷ (met + breached), in percent (nil: nothing came due).
        var percent: Double?
        init(met: Int, breached: Int) {
            self.met = met
            self.breached = breached
            percent = met + breached == 0 ? nil : ((Double(met) / Double(met + breached)) * 1000).rounded() / 10
        }
    }
    /// Conversations open, pending and snoozed at the end of a day.
    struct BacklogDTO: Encodable { var day: String; var open: Int; var pending: Int; var snoozed: Int }
    struct AgentDTO: Encodable {
        var agentId: Int64
        var resolved: Int
        var responses: Int
        var firstResponseMean: Double?
        var csatAnswers: Int
        var csatSatisfied: Int
        /// Connected to the agent app in the period, online and away (from the app's heartbeats).
        var onlineSeconds = 0
        var awaySeconds = 0
    }
    struct PeriodDTO: Encodable {
        var conversations: Int
        var merged: Int
        var customerMessages: Int
        var responses: Int
        var automaticMessages: Int
        var createdByDay: [DayDTO]
        /// Seven rows (Monday first) of 24 hours.
        var heatmap: [[Int]]
        var breakdowns: [String: [CountDTO]]
        var firstResponse: SpeedDTO
        var nextResponse: SpeedDTO
        var resolution: SpeedDTO
        var resolved: Int
        var firstResolved: Int
        var reopened: Int
        var oneTouch: Int
        var fcr: Int
        /// First resolved in the period with at least one response: FCR's denominator.
        var fcrBase: Int
        var csat: [String: Double?]
        var nps: [String: Double?]
        var surveysSent: Int
        var surveysAnswered: Int
        var bot: [String: Int]
        /// Created in the period and touched by a rule (`rules`) or by any automation (`touched`:
        /// the bot, a rule, an automatic reply); resolved in the period by a rule (`rule_resolved`).
        var automation: [String: Int]
        var agents: [AgentDTO]
        /// Each day's backlog at its end (empty for a previous period).
        var backlog: [BacklogDTO]
        /// SLA targets met and breached in the period, per target, and (`total`) all together.
        var sla: [String: SLADTO]

        /// `detail`: the period was read in full (a previous period has no days, heatmap or agents).
        init(_ period: ReportQueries.Period, from: Int, to: Int, detail: Bool = true) {
            conversations = period.conversations
            merged = period.merged
            customerMessages = period.customerMessages
            responses = period.responses
            automaticMessages = period.automaticMessages
            createdByDay = !detail ? [] : ReportClock.days(from: from, to: to).map { DayDTO(day: ReportClock.text($0), count: period.createdByDay[$0] ?? 0) }
            heatmap = !detail ? [] : (0..<7).map { weekday in (0..<24).map { period.heatmap[weekday * 24 + $0] ?? 0 } }
            breakdowns = period.breakdowns.mapValues { counts in
                counts.map { CountDTO(key: $0.key, count: $0.value) }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.key < $1.key }
            }
            firstResponse = .init(period.firstResponse)
            nextResponse = .init(period.nextResponse)
            resolution = .init(period.resolution)
            resolved = period.resolved
            firstResolved = period.firstResolved
            reopened = period.reopened
            oneTouch = period.oneTouch
            fcr = period.fcr
            fcrBase = period.firstResolvedWithResponse
            let share = { (part: Int, whole: Int) -> Double? in whole == 0 ? nil : (Double(part) / Double(whole) * 1000).rounded() / 10 }
            csat = ["answers": Double(period.csatAnswers), "satisfied": Double(period.csatSatisfied),
                    "percent": share(period.csatSatisfied, period.csatAnswers),
                    "mean": period.csatAnswers == 0 ? nil : (Double(period.csatScoreSum) / Double(period.csatAnswers) * 100).rounded() / 100]
            nps = ["answers": Double(period.npsAnswers), "promoters": Double(period.npsPromoters), "detractors": Double(period.npsDetractors),
                   "score": period.npsAnswers == 0 ? nil
                       : ((Double(period.npsPromoters - period.npsDetractors) / Double(period.npsAnswers)) * 1000).rounded() / 10]
            surveysSent = period.surveysSent
            surveysAnswered = period.surveysSentAnswered
            bot = ["answered": period.botAnswered, "handed_over": period.botHandedOver, "resolved": period.botResolved]
            automation = ["rules": period.ruleTouched, "touched": period.automated, "rule_resolved": period.ruleResolved]
            agents = period.agents.map { id, line in
                AgentDTO(agentId: id, resolved: line.resolved, responses: line.responses,
                         firstResponseMean: line.firstResponses == 0 ? nil : (Double(line.firstResponseSum) / Double(line.firstResponses)).rounded(),
                         csatAnswers: line.csatAnswers, csatSatisfied: line.csatSatisfied)
            }.sorted { $0.resolved != $1.resolved ? $0.resolved > $1.resolved : $0.agentId < $1.agentId }
            var sla: [String: SLADTO] = [:]
            for (index, target) in SLATarget.allCases.enumerated() {
                sla[target.rawValue] = SLADTO(met: period.slaMet[index], breached: period.slaBreached[index])
            }
            sla["total"] = SLADTO(met: period.slaMet.reduce(0, +), breached: period.slaBreached.reduce(0, +))
            self.sla = sla
            var level = period.backlogBefore
            backlog = !detail ? [] : ReportClock.days(from: from, to: to).map { day in
                if let move = period.backlogMoves[day] { level.add(move) }
                return BacklogDTO(day: ReportClock.text(day), open: level.open, pending: level.pending, snoozed: level.snoozed)
            }
        }
    }

    var from: String
    var to: String
    var previousFrom: String?
    var timeZone: String
    /// False while the figures are still catching up with the newest events (a large backlog).
    var fresh: Bool
    /// Whether first contact resolution is final: 7 days have passed since the period's end.
    var fcrFinal: Bool
    /// The figures cover only the asking agent's conversations.
    var ownOnly: Bool
    var current: PeriodDTO
    /// The previous period's headline figures and topics (its other breakdowns, days, heatmap and agents are empty lists).
    var previous: PeriodDTO?
    /// Macro id → name, for the macros in `current.breakdowns.macro`.
    var macroNames: [String: String] = [:]
    /// The revenue support brought in the period (orders attributed to agents' responses).
    var revenue: RevenueSummaryDTO?

    init(scope: ReportsController.Scope, fresh: Bool, current: ReportQueries.Period, previous: ReportQueries.Period?) {
        from = ReportClock.text(scope.from)
        to = ReportClock.text(scope.to)
        previousFrom = previous == nil ? nil : ReportClock.text(scope.previousFrom)
        timeZone = scope.timeZone
        self.fresh = fresh
        let today = ReportClock(timeZone: TimeZone(identifier: scope.timeZone) ?? .gmt).day(Date())
        fcrFinal = ReportClock.adding(7, to: scope.to) <= today
        ownOnly = scope.ownOnly
        self.current = PeriodDTO(current, from: scope.from, to: scope.to)
        self.previous = previous.map { PeriodDTO($0, from: scope.previousFrom, to: scope.from, detail: false) }
    }

    /// Adds each agent's online and away time (an agent who was online but closed nothing still has a line).
    mutating func addTime(_ time: [AgentID: (online: Int, away: Int)]) {
        for (agent, seconds) in time {
            if let index = current.agents.firstIndex(where: { $0.agentId == agent.rawValue }) {
                current.agents[index].onlineSeconds = seconds.online
                current.agents[index].awaySeconds = seconds.away
            } else {
                current.agents.append(AgentDTO(agentId: agent.rawValue, resolved: 0, responses: 0, firstResponseMean: nil, csatAnswers: 0,
                                               csatSatisfied: 0, onlineSeconds: seconds.online, awaySeconds: seconds.away))
            }
        }
    }

    /// The report as a table: one figure per row, this period's and the previous one's, then the days.
    func csvRows() -> [[String]] {
        let number = { (value: Double?) in value.map { $0 == $0.rounded() ? String(Int($0)) : String($0) } ?? "" }
        let int = { (value: Int?) in value.map(String.init) ?? "" }
        var rows = [["figure", "\(from) – \(to)", previousFrom.map { "\($0) – \(from)" } ?? "previous"]]
        let line = { (name: String, value: (PeriodDTO) -> String) in
            rows.append([name, value(current), previous.map(value) ?? ""])
        }
        line("conversations") { String($0.conversations) }
        line("customer_messages") { String($0.customerMessages) }
        line("responses") { String($0.responses) }
        line("automatic_messages") { String($0.automaticMessages) }
        line("first_response_median_seconds") { int($0.firstResponse.calendar.median) }
        line("first_response_p90_seconds") { int($0.firstResponse.calendar.p90) }
        line("first_response_mean_seconds") { number($0.firstResponse.calendar.mean) }
        line("first_response_business_median_seconds") { int($0.firstResponse.business.median) }
        line("next_response_median_seconds") { int($0.nextResponse.calendar.median) }
        line("resolution_median_seconds") { int($0.resolution.calendar.median) }
        line("resolution_business_median_seconds") { int($0.resolution.business.median) }
        line("resolved") { String($0.resolved) }
        line("first_contact_resolutions") { String($0.fcr) }
        line("first_contact_resolution_base") { String($0.fcrBase) }
        line("reopened") { String($0.reopened) }
        line("one_touch") { String($0.oneTouch) }
        line("csat_percent") { number($0.csat["percent"] ?? nil) }
        line("csat_answers") { number($0.csat["answers"] ?? nil) }
        line("nps") { number($0.nps["score"] ?? nil) }
        line("surveys_sent") { String($0.surveysSent) }
        line("bot_answered") { String($0.bot["answered"] ?? 0) }
        line("bot_resolved") { String($0.bot["resolved"] ?? 0) }
        line("bot_handed_over") { String($0.bot["handed_over"] ?? 0) }
        line("touched_by_automation") { String($0.automation["touched"] ?? 0) }
        line("touched_by_rules") { String($0.automation["rules"] ?? 0) }
        line("resolved_by_rules") { String($0.automation["rule_resolved"] ?? 0) }
        for target in ["total"] + SLATarget.allCases.map(\.rawValue) {
            line("sla_\(target)_met") { String($0.sla[target]?.met ?? 0) }
            line("sla_\(target)_breached") { String($0.sla[target]?.breached ?? 0) }
        }
        for (title, dimension) in [("handover_reason", "handover"), ("macro", "macro"), ("sla_breach_cause", "sla_cause")] {
            guard let counts = current.breakdowns[dimension], !counts.isEmpty else { continue }
            rows.append([])
            rows.append([title, "conversations"])
            for count in counts { rows.append([dimension == "macro" ? macroNames[count.key] ?? "#\(count.key)" : count.key, String(count.count)]) }
        }
        if let revenue {
            for line in revenue.currencies {
                rows.append(["revenue_\(line.currency)_minor", String(line.amount.minor), line.previous.map { String($0.minor) } ?? ""])
                rows.append(["revenue_\(line.currency)_orders", String(line.orders), line.previousOrders.map(String.init) ?? ""])
            }
            rows.append(["purchase_conversations", String(revenue.purchaseConversations), ""])
            rows.append(["purchase_converted", String(revenue.purchaseConverted), ""])
        }
        rows.append([])
        rows.append(["day", "conversations", "open_at_end", "pending_at_end", "snoozed_at_end"])
        for (index, day) in current.createdByDay.enumerated() {
            let backlog = index < current.backlog.count ? current.backlog[index] : nil
            rows.append([day.day, String(day.count)] + [backlog?.open, backlog?.pending, backlog?.snoozed].map { $0.map(String.init) ?? "" })
        }
        return rows
    }
}

/// Revenue beside the other figures: per currency (with the previous period's), per agent and
/// per channel, and the conversion of conversations with a purchase intent.
struct RevenueSummaryDTO: Encodable {
    struct CurrencyDTO: Encodable {
        var currency: String
        var orders: Int
        var amount: Amount
        /// Amount ÷ orders, in minor units rounded down.
        var averageOrder: Amount
        var previousOrders: Int?
        var previous: Amount?
    }
    struct LineDTO: Encodable {
        var key: String
        var orders: Int
        var amount: Amount
    }

    var currencies: [CurrencyDTO]
    var agents: [LineDTO]
    var channels: [LineDTO]
    var purchaseConversations: Int
    var purchaseConverted: Int
    var conversionPercent: Double?

    init(current: ReportRevenue.Revenue, previous: ReportRevenue.Revenue?) {
        let before = Dictionary((previous?.totals ?? []).map { ($0.currency, $0) }) { first, _ in first }
        var currencies = current.totals.map { line in
            CurrencyDTO(currency: line.currency, orders: line.orders, amount: Amount(minor: line.amountMinor, currency: line.currency),
                        averageOrder: Amount(minor: line.orders == 0 ? 0 : line.amountMinor / Int64(line.orders), currency: line.currency),
                        previousOrders: previous == nil ? nil : before[line.currency]?.orders ?? 0,
                        previous: previous == nil ? nil : Amount(minor: before[line.currency]?.amountMinor ?? 0, currency: line.currency))
        }
        // A currency sold in before and not now is still a change to show.
        for line in previous?.totals ?? [] where !currencies.contains(where: { $0.currency == line.currency }) {
            currencies.append(CurrencyDTO(currency: line.currency, orders: 0, amount: Amount(minor: 0, currency: line.currency),
                                          averageOrder: Amount(minor: 0, currency: line.currency), previousOrders: line.orders,
                                          previous: Amount(minor: line.amountMinor, currency: line.currency)))
        }
        self.currencies = currencies
        agents = current.agents.map { LineDTO(key: $0.key, orders: $0.orders, amount: Amount(minor: $0.amountMinor, currency: $0.currency)) }
        channels = current.channels.map { LineDTO(key: $0.key, orders: $0.orders, amount: Amount(minor: $0.amountMinor, currency: $0.currency)) }
        purchaseConversations = current.purchaseConversations
        purchaseConverted = current.purchaseConverted
        conversionPercent = current.purchaseConversations == 0 ? nil
            : ((Double(current.purchaseConverted) / Double(current.purchaseConversations)) * 1000).rounded() / 10
    }
}
