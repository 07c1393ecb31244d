import Foundation
import ShopdeskCore

/// One day's figures of one slice of a workspace — all its conversations, or those of one
/// channel, inbox, intent, language, team, agent or priority — added up from the report facts of
/// that day. A period's report without a filter, or filtered on one of those dimensions, is the
/// sum of its days' lines (`report_days`), so a year reads 365 rows instead of every
/// conversation; the figures are those `ReportQueries` computes from the facts themselves.
struct ReportDay: Equatable, Sendable {
    var conversations = 0, merged = 0, customerMessages = 0, responses = 0, automaticMessages = 0
    var botAnswered = 0, botHandedOver = 0, botResolved = 0
    var firstResolved = 0, reopened = 0, oneTouch = 0, fcr = 0, firstResolvedAnswered = 0
    var csatAnswers = 0, csatSatisfied = 0, csatScoreSum = 0, npsAnswers = 0, npsPromoters = 0, npsDetractors = 0
    var surveysSent = 0, surveysSentAnswered = 0
    /// Created and touched by a rule, or by any automation; resolved by a rule.
    var ruleTouched = 0, automated = 0, ruleResolved = 0
    /// How the backlog moved on the day: open, pending and snoozed at its end minus the day before (`BacklogChange`).
    var backlogOpen = 0, backlogPending = 0, backlogSnoozed = 0
    /// SLA targets met and breached on the day: first response, next response, resolution (`SLATarget.allCases`' order).
    var slaMet = [0, 0, 0], slaBreached = [0, 0, 0]
    /// First response, next response and resolution; calendar and business time.
    var speeds = Array(repeating: Timed(), count: 6)
    /// Slot of the week → conversations created.
    var slots: [Int: Int] = [:]
    /// Dimension → value → conversations created (the six dimensions of a report's breakdowns),
    /// and `negative` → intent → those of them whose sentiment is negative; `sla_cause` →
    /// `target/cause` → the SLA breaches of the day.
    var breakdowns: [String: [String: Int]] = [:]
    var agents: [Int64: ReportQueries.AgentLine] = [:]

    /// Durations and their exact sum (for the mean).
    struct Timed: Equatable, Sendable {
        /// While a day is added up from facts: step index → durations (a day uses few steps).
        var steps: [Int: Int] = [:]
        /// While a period is read: its days' durations (dense: hundreds of days are added into it).
        var histogram = DurationHistogram()
        var sum = 0

        mutating func add(_ seconds: Int?) {
            guard let seconds else { return }
            steps[DurationHistogram.index(of: seconds), default: 0] += 1
            sum += seconds
        }
    }

    /// The dimensions a day is kept for, as `ReportQueries.Filter` names them, in `Fact.values`' order.
    static let dimensions = ["channel", "inbox", "intent", "language", "team", "agent", "priority"]
    /// Those a report breaks its conversations down by.
    static let breakdownDimensions = Array(dimensions.prefix(6))
    /// Bumped when what a day holds changes: every workspace's facts and days are computed again.
    static let format = 3

    /// What a day is added up from: a conversation's facts (`report_facts`).
    struct Fact: Sendable {
        /// The dimensions' values, `""` for none.
        var values: [String]
        var assignee: Int64?
        var createdDay = 0, createdSlot = 0, merged = false, customerMessages = 0, responses = 0, automaticMessages = 0
        var botAnswered = false, botHandedOver = false, botResolved = false
        var firstResponseDay: Int?, firstResponse: Int?, firstResponseBusiness: Int?
        var firstResolvedDay: Int?, reopened = false, oneTouch = false, fcr = false
        var resolvedDay: Int?, resolution: Int?, resolutionBusiness: Int?
        var surveyKind: String?, surveySentDay: Int?, surveyAnsweredDay: Int?, surveyScore: Int?
        var handoverReason: String?, ruleTouched = false, ruleResolved = false, macros: [String] = [], automated = false
        var sentiment: String?
        /// `TopicTerms` of the customer's first message.
        var terms: [Substring] = []
    }

    /// Adds what `fact` counts on `day`.
    mutating func add(_ fact: Fact, on day: Int) {
        if fact.createdDay == day {
            conversations += 1
            if fact.merged { merged += 1 }
            customerMessages += fact.customerMessages
            responses += fact.responses
            automaticMessages += fact.automaticMessages
            if fact.botAnswered { botAnswered += 1 }
            if fact.botHandedOver { botHandedOver += 1 }
            if fact.botResolved { botResolved += 1 }
            slots[fact.createdSlot, default: 0] += 1
            for (dimension, value) in zip(Self.breakdownDimensions, fact.values) { breakdowns[dimension, default: [:]][value, default: 0] += 1 }
            if fact.ruleTouched { ruleTouched += 1 }
            if fact.automated { automated += 1 }
            if let reason = fact.handoverReason, !reason.isEmpty { breakdowns["handover", default: [:]][reason, default: 0] += 1 }
            for macro in fact.macros { breakdowns["macro", default: [:]][macro, default: 0] += 1 }
            if fact.sentiment == "negative" { breakdowns["negative", default: [:]][fact.values[2], default: 0] += 1 }
        }
        if fact.firstResponseDay == day {
            speeds[0].add(fact.firstResponse)
            speeds[1].add(fact.firstResponseBusiness)
            if let agent = fact.assignee {
                agents[agent, default: .init()].firstResponses += 1
                agents[agent, default: .init()].firstResponseSum += fact.firstResponse ?? 0
            }
        }
        if fact.resolvedDay == day {
            speeds[4].add(fact.resolution)
            speeds[5].add(fact.resolutionBusiness)
            if fact.ruleResolved { ruleResolved += 1 }
            if let agent = fact.assignee {
                agents[agent, default: .init()].resolved += 1
                agents[agent, default: .init()].responses += fact.responses
            }
        }
        if fact.firstResolvedDay == day {
            firstResolved += 1
            if fact.reopened { reopened += 1 }
            if fact.oneTouch { oneTouch += 1 }
            if fact.fcr { fcr += 1 }
            if fact.responses > 0 { firstResolvedAnswered += 1 }
        }
        if fact.surveyAnsweredDay == day, let score = fact.surveyScore {
            if fact.surveyKind == "nps" {
                npsAnswers += 1
                if score >= 9 { npsPromoters += 1 } else if score <= 6 { npsDetractors += 1 }
            } else {
                csatAnswers += 1
                csatScoreSum += score
                if score >= 4 { csatSatisfied += 1 }
            }
            if fact.surveyKind == "csat", let agent = fact.assignee {
                agents[agent, default: .init()].csatAnswers += 1
                if score >= 4 { agents[agent, default: .init()].csatSatisfied += 1 }
            }
        }
        if fact.surveySentDay == day {
            surveysSent += 1
            if fact.surveyScore != nil { surveysSentAnswered += 1 }
        }
    }

    /// Adds a next-response wait answered on this day.
    mutating func addWait(seconds: Int, business: Int) {
        speeds[2].add(seconds)
        speeds[3].add(business)
    }

    /// Adds a conversation's move of the backlog on this day.
    mutating func addBacklog(open: Int, pending: Int, snoozed: Int) {
        backlogOpen += open
        backlogPending += pending
        backlogSnoozed += snoozed
    }

    /// Adds an SLA target's outcome on this day.
    mutating func addSLA(target: Int, met: Bool, cause: String?) {
        guard (0..<3).contains(target) else { return }
        if met { slaMet[target] += 1 } else {
            slaBreached[target] += 1
            breakdowns["sla_cause", default: [:]]["\(SLATarget.allCases[target].rawValue)/\(cause ?? "late")", default: 0] += 1
        }
    }

    /// The counters in the order `report_days.counts` stores them.
    var counts: [Int] {
        get {
            [conversations, merged, customerMessages, responses, automaticMessages, botAnswered, botHandedOver, botResolved,
             firstResolved, reopened, oneTouch, fcr, firstResolvedAnswered, csatAnswers, csatSatisfied, csatScoreSum,
             npsAnswers, npsPromoters, npsDetractors, surveysSent, surveysSentAnswered, ruleTouched, automated, ruleResolved,
             backlogOpen, backlogPending, backlogSnoozed] + slaMet + slaBreached
        }
        set {
            var values = newValue.makeIterator()
            func next() -> Int { values.next() ?? 0 }
            conversations = next(); merged = next(); customerMessages = next(); responses = next(); automaticMessages = next()
            botAnswered = next(); botHandedOver = next(); botResolved = next()
            firstResolved = next(); reopened = next(); oneTouch = next(); fcr = next(); firstResolvedAnswered = next()
            csatAnswers = next(); csatSatisfied = next(); csatScoreSum = next()
            npsAnswers = next(); npsPromoters = next(); npsDetractors = next(); surveysSent = next(); surveysSentAnswered = next()
            ruleTouched = next(); automated = next(); ruleResolved = next()
            backlogOpen = next(); backlogPending = next(); backlogSnoozed = next()
            slaMet = [next(), next(), next()]
            slaBreached = [next(), next(), next()]
        }
    }
}

// MARK: - As stored

extension ReportDay {
    /// What a `report_days` row holds: the counters; each speed's sum and histogram (bytes:
    /// `DurationHistogram.encode`); the week's slots; the breakdowns and agents.
    struct Stored: Equatable {
        var counts: String
        var speeds: [UInt8]
        var slots: String
        var mix: String
    }

    var stored: Stored {
        // `dimension|value|n` per breakdown and `@|agent|six numbers` per agent, joined by `;`.
        // The values are channel kinds, ids, intent names and language codes; a `|` or `;` in one is dropped.
        var mix: [String] = []
        for (dimension, values) in breakdowns.sorted(by: { $0.key < $1.key }) {
            for (value, n) in values.sorted(by: { $0.key < $1.key }) {
                mix.append("\(dimension)|\(value.filter { $0 != "|" && $0 != ";" })|\(n)")
            }
        }
        for (agent, line) in agents.sorted(by: { $0.key < $1.key }) {
            mix.append("@|\(agent)|\(line.resolved)|\(line.responses)|\(line.firstResponses)|\(line.firstResponseSum)|\(line.csatAnswers)|\(line.csatSatisfied)")
        }
        return Stored(counts: counts.map(String.init).joined(separator: ","),
                      speeds: speeds.reduce(into: [UInt8]()) { bytes, speed in
                          VarInt.append(signed: speed.sum, to: &bytes)
                          DurationHistogram.encode(steps: speed.steps, into: &bytes)
                      },
                      slots: slots.keys.sorted().map { "\($0):\(slots[$0] ?? 0)" }.joined(separator: ","),
                      mix: mix.joined(separator: ";"))
    }

    /// Adds a stored day (read straight into these sums: a year is hundreds of days); with
    /// `slots: false` its slots of the week are left out. Returns the day's conversations.
    @discardableResult
    mutating func add(_ stored: Stored, slots readSlots: Bool = true) -> Int {
        var mine = counts
        let theirs = ReportQueries.integers(stored.counts)
        for index in mine.indices where index < theirs.count { mine[index] += theirs[index] }
        counts = mine
        stored.speeds.withUnsafeBufferPointer { bytes in
            var position = 0
            for index in speeds.indices {
                guard let sum = VarInt.readSigned(bytes, at: &position) else { return }
                speeds[index].sum += sum
                guard speeds[index].histogram.add(decoding: bytes, at: &position) else { return }
            }
        }
        if readSlots {
            // `slot:n` pairs: the numbers alternate.
            let numbers = ReportQueries.integers(stored.slots)
            for index in stride(from: 0, to: numbers.count - 1, by: 2) { slots[numbers[index], default: 0] += numbers[index + 1] }
        }
        for entry in stored.mix.split(separator: ";") {
            let parts = entry.split(separator: "|", omittingEmptySubsequences: false)
            if parts.count == 3, let n = Int(parts[2]) {
                breakdowns[String(parts[0]), default: [:]][String(parts[1]), default: 0] += n
                continue
            }
            guard parts.count == 8, parts[0] == "@", let id = Int64(parts[1]) else { continue }
            let numbers = parts[2...].map { Int($0) ?? 0 }
            var line = agents[id, default: .init()]
            line.resolved += numbers[0]
            line.responses += numbers[1]
            line.firstResponses += numbers[2]
            line.firstResponseSum += numbers[3]
            line.csatAnswers += numbers[4]
            line.csatSatisfied += numbers[5]
            agents[id] = line
        }
        return theirs.first ?? 0
    }
}
