import Foundation
import Testing
@testable import ShopdeskCore

/// docs/REPORTS.md's definitions on hand-computed fixtures: what counts as a response, the bot's
/// handover, business hours, next responses, reopens, one touch and FCR, and the calendar days.
@Suite("Report facts of a conversation")
struct ConversationFactsTests {
    /// 2026-11-30 is a Monday; times are UTC.
    static func at(_ day: Int, _ hour: Int, _ minute: Int = 0) -> Date {
        var parts = DateComponents(timeZone: TimeZone(identifier: "UTC"), year: 2026, month: 11, day: day, hour: hour, minute: minute)
        if day > 30 { parts.month = 12; parts.day = day - 30 }
        return Calendar(identifier: .gregorian).date(from: parts)!
    }
    typealias M = ConversationHistory.Message
    static let always = BusinessCalendar(timeZone: "UTC", weekly: nil)

    @Test func notesTheBotAutomaticRepliesAndFailedSendsAreNotResponses() {
        let history = ConversationHistory(createdAt: Self.at(30, 9), messages: [
            M(direction: .inbound, byAgent: false, at: Self.at(30, 9)),
            M(direction: .outbound, byAgent: false, at: Self.at(30, 9, 1)),               // a rule's automatic reply
            M(direction: .outbound, byAgent: false, byBot: true, at: Self.at(30, 9, 2)),  // the bot
            M(direction: .note, byAgent: true, at: Self.at(30, 9, 5)),                    // an internal note
            M(direction: .outbound, byAgent: true, failed: true, at: Self.at(30, 9, 10)), // never left
            M(direction: .outbound, byAgent: true, at: Self.at(30, 9, 40)),
        ], statusChanges: [], status: .open)
        let facts = ConversationFacts.compute(history, calendar: Self.always)
        #expect(facts.firstResponseSeconds == 40 * 60)
        #expect(facts.firstResponseAt == Self.at(30, 9, 40))
        #expect(facts.responses == 1 && facts.customerMessages == 1 && facts.automaticMessages == 2)
        #expect(facts.botAnswered && !facts.botResolved)
    }

    @Test func aHandedOverChatIsMeasuredFromTheHandoverAndAnAgentStartedOneHasNoFirstResponse() {
        let chat = ConversationHistory(createdAt: Self.at(30, 10), messages: [
            M(direction: .inbound, byAgent: false, at: Self.at(30, 10)),
            M(direction: .outbound, byAgent: false, byBot: true, at: Self.at(30, 10)),
            M(direction: .inbound, byAgent: false, at: Self.at(30, 10, 20)),
            M(direction: .outbound, byAgent: true, at: Self.at(30, 10, 35)),
        ], statusChanges: [], status: .open, handedOverAt: Self.at(30, 10, 20))
        let facts = ConversationFacts.compute(chat, calendar: Self.always)
        #expect(facts.firstResponseSeconds == 15 * 60)
        #expect(facts.botHandedOver)
        // The agent wrote first: the customer's answer is not waiting for a first response.
        let outreach = ConversationHistory(createdAt: Self.at(30, 11), messages: [
            M(direction: .outbound, byAgent: true, at: Self.at(30, 11)),
            M(direction: .inbound, byAgent: false, at: Self.at(30, 12)),
            M(direction: .outbound, byAgent: true, at: Self.at(30, 12, 30)),
        ], statusChanges: [], status: .open)
        let started = ConversationFacts.compute(outreach, calendar: Self.always)
        #expect(started.firstResponseSeconds == nil)
        #expect(started.waits.map(\.seconds) == [30 * 60], "the customer's answer waited for the next response")
    }

    /// Automation: a rule's resolution counts only while it stands; macros once each; the bot's
    /// reason only with a handover; touched by a rule, the bot or an automatic reply.
    @Test func whatAutomationDidIsCountedOnce() {
        let messages = [M(direction: .inbound, byAgent: false, at: Self.at(30, 9)), M(direction: .outbound, byAgent: true, at: Self.at(30, 9, 30))]
        let byRule = ConversationHistory(createdAt: Self.at(30, 9), messages: messages,
                                         statusChanges: [(Self.at(30, 10), .resolved)], status: .resolved,
                                         ruleStatusChanges: [Self.at(30, 10)], ruleFired: true, macroIDs: [4, 9, 4])
        let facts = ConversationFacts.compute(byRule, calendar: Self.always)
        #expect(facts.ruleResolved && facts.ruleTouched && facts.automated && facts.macroIDs == [4, 9] && facts.handoverReason == nil)
        // Reopened and resolved again by an agent: the rule's resolution no longer stands.
        var reopened = byRule
        reopened.statusChanges += [(Self.at(30, 11), .open), (Self.at(30, 12), .resolved)]
        #expect(!ConversationFacts.compute(reopened, calendar: Self.always).ruleResolved)
        // A status a rule set is a rule acting, even where no firing was recorded.
        let statusOnly = ConversationHistory(createdAt: Self.at(30, 9), messages: messages, statusChanges: [(Self.at(30, 10), .resolved)],
                                             status: .resolved, ruleStatusChanges: [Self.at(30, 10)])
        let statusFacts = ConversationFacts.compute(statusOnly, calendar: Self.always)
        #expect(statusFacts.ruleTouched && statusFacts.ruleResolved && statusFacts.automated)
        // No rule, no bot, no automatic reply: untouched, however many macros an agent applied.
        let manual = ConversationHistory(createdAt: Self.at(30, 9), messages: messages, statusChanges: [], status: .open, macroIDs: [4])
        #expect(!ConversationFacts.compute(manual, calendar: Self.always).automated)
        // A reason without a handover is not one.
        let reason = ConversationHistory(createdAt: Self.at(30, 9), messages: messages, statusChanges: [], status: .open, handoverReason: "x")
        #expect(ConversationFacts.compute(reason, calendar: Self.always).handoverReason == nil)
        let handed = ConversationHistory(createdAt: Self.at(30, 9), messages: messages, statusChanges: [], status: .open,
                                         handedOverAt: Self.at(30, 9, 10), handoverReason: "No answer found.")
        let handedFacts = ConversationFacts.compute(handed, calendar: Self.always)
        #expect(handedFacts.handoverReason == "No answer found." && handedFacts.automated)
    }

    @Test func businessHoursLeaveTheWeekendOut() {
        // Friday 16:30 to Monday 09:30 in Zagreb with Monday–Friday 09–17: 30 + 30 minutes open.
        let zagreb = BusinessCalendar(timeZone: "Europe/Zagreb", weekly: ["mon": "09:00-17:00", "tue": "09:00-17:00", "wed": "09:00-17:00",
                                                                        "thu": "09:00-17:00", "fri": "09:00-17:00"])
        let friday = Self.at(27, 15, 30), monday = Self.at(30, 8, 30)   // UTC+1 in November
        let history = ConversationHistory(createdAt: friday, messages: [
            M(direction: .inbound, byAgent: false, at: friday), M(direction: .outbound, byAgent: true, at: monday),
        ], statusChanges: [], status: .open)
        let facts = ConversationFacts.compute(history, calendar: zagreb)
        #expect(facts.firstResponseSeconds == Int(monday.timeIntervalSince(friday)))
        #expect(facts.firstResponseBusinessSeconds == 60 * 60)
    }

    @Test func nextResponsesAreOneValuePerWait() {
        let history = ConversationHistory(createdAt: Self.at(30, 9), messages: [
            M(direction: .inbound, byAgent: false, at: Self.at(30, 9)),
            M(direction: .outbound, byAgent: true, at: Self.at(30, 9, 10)),
            M(direction: .inbound, byAgent: false, at: Self.at(30, 10)),
            M(direction: .inbound, byAgent: false, at: Self.at(30, 10, 5)),   // the same wait
            M(direction: .note, byAgent: true, at: Self.at(30, 10, 20)),
            M(direction: .outbound, byAgent: true, at: Self.at(30, 10, 30)),
            M(direction: .outbound, byAgent: true, at: Self.at(30, 10, 31)),  // nobody was waiting
            M(direction: .inbound, byAgent: false, at: Self.at(30, 12)),
            M(direction: .outbound, byAgent: true, at: Self.at(30, 13)),
        ], statusChanges: [], status: .open)
        let facts = ConversationFacts.compute(history, calendar: Self.always)
        #expect(facts.firstResponseSeconds == 10 * 60)
        #expect(facts.waits.map(\.seconds) == [30 * 60, 60 * 60])
        #expect(facts.responses == 4)
    }

    @Test func reopenOneTouchAndFirstContactResolution() {
        let messages = [M(direction: .inbound, byAgent: false, at: Self.at(30, 9)), M(direction: .outbound, byAgent: true, at: Self.at(30, 9, 30))]
        // Resolved after one response and never reopened: one touch and FCR.
        let clean = ConversationFacts.compute(ConversationHistory(createdAt: Self.at(30, 9), messages: messages,
                                                                  statusChanges: [(Self.at(30, 10), .resolved)], status: .resolved),
                                              calendar: Self.always)
        #expect(clean.oneTouch && clean.firstContactResolution && !clean.reopened)
        #expect(clean.resolutionSeconds == 3_600 && clean.resolvedAt == Self.at(30, 10))
        // Reopened by the customer three days later and resolved again: one touch, not FCR; the
        // resolution time runs to the resolution that stands.
        let reopened = ConversationFacts.compute(ConversationHistory(
            createdAt: Self.at(30, 9), messages: messages + [M(direction: .inbound, byAgent: false, at: Self.at(33, 9)),
                                                             M(direction: .outbound, byAgent: true, at: Self.at(33, 10))],
            statusChanges: [(Self.at(30, 10), .resolved), (Self.at(33, 9), .open), (Self.at(33, 11), .resolved)], status: .resolved),
            calendar: Self.always)
        #expect(reopened.oneTouch && !reopened.firstContactResolution && reopened.reopened)
        #expect(reopened.firstResolvedAt == Self.at(30, 10) && reopened.resolvedAt == Self.at(33, 11))
        #expect(reopened.resolutionSeconds == 3 * 86_400 + 2 * 3_600)
        // Reopened after eight days: that is a new question, the first resolution stays FCR.
        let late = ConversationFacts.compute(ConversationHistory(
            createdAt: Self.at(30, 9), messages: messages, statusChanges: [(Self.at(30, 10), .resolved), (Self.at(38, 11), .open)], status: .open),
            calendar: Self.always)
        #expect(late.firstContactResolution && !late.reopened && late.resolvedAt == nil)
        // Resolved with no response at all (a "never mind"): neither one touch nor FCR.
        let silent = ConversationFacts.compute(ConversationHistory(
            createdAt: Self.at(30, 9), messages: [messages[0]], statusChanges: [(Self.at(30, 10), .resolved)], status: .resolved),
            calendar: Self.always)
        #expect(!silent.oneTouch && !silent.firstContactResolution && silent.responses == 0)
    }

    @Test func daysAndHoursAreTheWorkspacesWallClockAcrossDaylightSavingChanges() throws {
        let zagreb = ReportClock(timeZone: try #require(TimeZone(identifier: "Europe/Zagreb")))
        // 23:30 UTC on 30 November is 00:30 on 1 December in Zagreb, a Tuesday.
        #expect(zagreb.day(Self.at(30, 23, 30)) == 20261201)
        #expect(zagreb.slot(Self.at(30, 23, 30)) == 1 * 24 + 0)
        // 29 March 2026: clocks go from 02:00 to 03:00. 00:30 UTC is 01:30 local, 01:30 UTC is 03:30.
        let spring = Calendar(identifier: .gregorian).date(from: DateComponents(timeZone: TimeZone(identifier: "UTC"), year: 2026, month: 3, day: 29, hour: 0, minute: 30))!
        #expect(zagreb.slot(spring) == 6 * 24 + 1)
        #expect(zagreb.slot(spring.addingTimeInterval(3_600)) == 6 * 24 + 3, "02:00–03:00 does not exist that day")
        #expect(ReportClock.day("2026-02-29") == nil && ReportClock.day("2028-02-29") == 20280229 && ReportClock.day("2026-13-01") == nil)
        #expect(ReportClock.adding(1, to: 20261231) == 20270101 && ReportClock.adding(-1, to: 20260301) == 20260228)
        #expect(ReportClock.days(from: 20261130, to: 20261203) == [20261130, 20261201, 20261202])
        #expect(ReportClock.text(20260105) == "2026-01-05")
    }

    @Test func csvForSpreadsheetsKeepsLettersAndDisarmsFormulas() {
        let text = CSVTable.write([["name", "count"], ["Ćevapi, \"Zagreb\"", "12"], ["=HYPERLINK(\"x\")", "-3"], ["Привет\r\nмир", "-cmd"]],
                                  numericColumns: [1])
        #expect(text.hasPrefix("\u{FEFF}name,count\r\n"))
        #expect(text.contains("\"Ćevapi, \"\"Zagreb\"\"\",12\r\n"))
        #expect(text.contains("\"'=HYPERLINK(\"\"x\"\")\",-3\r\n"), "a formula is text; a negative number stays a number")
        #expect(text.contains("\"Привет\r\nмир\",'-cmd\r\n"))
        let parsed = (try? CSVTable.parse(text)) ?? []
        #expect(parsed.map(\.fields) == [["name", "count"], ["Ćevapi, \"Zagreb\"", "12"], ["'=HYPERLINK(\"x\")", "-3"], ["Привет\r\nмир", "'-cmd"]])
    }
}
