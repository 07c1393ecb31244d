import Foundation
import Testing
@testable import ShopdeskCore

@Suite("SLA clocks")
struct SLAClockTests {
    let zagreb = BusinessCalendar(timeZone: "Europe/Zagreb", weekly: ["mon": "09:00-17:00", "tue": "09:00-17:00", "wed": "09:00-17:00",
                                                                       "thu": "09:00-17:00", "fri": "09:00-17:00"])
    let policy = (id: Int64(1), policy: SLAPolicy(name: "Standard", firstResponseMinutes: 60, nextResponseMinutes: 30,
                                                   resolutionMinutes: 8 * 60, warnMinutes: 15))

    func at(_ text: String) -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Europe/Zagreb")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.date(from: text)!
    }

    func observe(_ status: ConversationStatus = .open, created: String = "2026-11-27 16:30", answered: String? = nil,
                 last: String = "2026-11-27 16:30", direction: MessageDirection = .inbound) -> SLAClock.Observation {
        .init(status: status, createdAt: at(created), firstResponseAt: answered.map(at), lastMessageAt: at(last), lastMessageDirection: direction)
    }

    @Test("a Friday-evening message is due Monday morning in business time, with a warning before")
    func firstResponseOverTheWeekend() {
        var clock = SLAClock.reconcile(nil, policy: policy, observed: observe(), calendar: zagreb, now: at("2026-11-27 16:30"))!
        #expect(clock.timers["first_response"]?.dueAt == at("2026-11-30 09:30"))
        #expect(clock.dueAt == at("2026-11-30 09:30"))
        #expect(clock.nextCheck(warnMinutes: 15) == at("2026-11-30 09:15"))
        #expect(clock.signals(at: at("2026-11-30 09:00"), warnMinutes: 15).isEmpty)
        #expect(clock.signals(at: at("2026-11-30 09:16"), warnMinutes: 15).map(\.signal) == [.warning])
        #expect(clock.nextCheck(warnMinutes: 15) == at("2026-11-30 09:30"))
        #expect(clock.signals(at: at("2026-11-30 09:31"), warnMinutes: 15).map(\.signal) == [.breach])
        #expect(clock.signals(at: at("2026-11-30 10:00"), warnMinutes: 15).isEmpty)
    }

    @Test("the agent's reply stops the first-response clock; the customer's answer starts the next-response clock")
    func responses() {
        let first = SLAClock.reconcile(nil, policy: policy, observed: observe(created: "2026-11-30 10:00", last: "2026-11-30 10:00"),
                                       calendar: zagreb, now: at("2026-11-30 10:00"))
        let replied = SLAClock.reconcile(first, policy: policy, observed: observe(created: "2026-11-30 10:00", answered: "2026-11-30 10:20",
                                                                                  last: "2026-11-30 10:20", direction: .outbound),
                                         calendar: zagreb, now: at("2026-11-30 10:20"))!
        #expect(replied.timers["first_response"]?.isRunning == false)
        #expect(replied.timers["first_response"]?.breached == false)
        #expect(replied.timers["next_response"] == nil)
        let answered = SLAClock.reconcile(replied, policy: policy, observed: observe(created: "2026-11-30 10:00", answered: "2026-11-30 10:20",
                                                                                     last: "2026-11-30 16:50"),
                                          calendar: zagreb, now: at("2026-11-30 16:50"))!
        // 10 business minutes on Monday, 20 on Tuesday morning.
        #expect(answered.timers["next_response"]?.dueAt == at("2026-12-01 09:20"))
        // A second customer message does not move the clock.
        let again = SLAClock.reconcile(answered, policy: policy, observed: observe(created: "2026-11-30 10:00", answered: "2026-11-30 10:20",
                                                                                   last: "2026-11-30 16:55"),
                                       calendar: zagreb, now: at("2026-11-30 16:55"))!
        #expect(again.timers["next_response"]?.dueAt == at("2026-12-01 09:20"))
    }

    @Test("resolution pauses while pending and resumes with the business time that was left")
    func resolutionPauses() {
        let open = SLAClock.reconcile(nil, policy: policy, observed: observe(created: "2026-11-30 09:00", last: "2026-11-30 09:00"),
                                      calendar: zagreb, now: at("2026-11-30 09:00"))!
        #expect(open.timers["resolution"]?.dueAt == at("2026-11-30 17:00"))
        let pending = SLAClock.reconcile(open, policy: policy, observed: observe(.pending, created: "2026-11-30 09:00", answered: "2026-11-30 11:00",
                                                                                 last: "2026-11-30 11:00", direction: .outbound),
                                         calendar: zagreb, now: at("2026-11-30 11:00"))!
        #expect(pending.timers["resolution"]?.dueAt == nil)
        #expect(pending.timers["resolution"]?.remaining == TimeInterval(6 * 3600))
        #expect(pending.dueAt == nil)
        let reopened = SLAClock.reconcile(pending, policy: policy, observed: observe(created: "2026-11-30 09:00", answered: "2026-11-30 11:00",
                                                                                     last: "2026-12-02 16:00"),
                                          calendar: zagreb, now: at("2026-12-02 16:00"))!
        // One hour left on Wednesday, five on Thursday.
        #expect(reopened.timers["resolution"]?.dueAt == at("2026-12-03 14:00"))
        let resolved = SLAClock.reconcile(reopened, policy: policy, observed: observe(.resolved, created: "2026-11-30 09:00",
                                                                                      answered: "2026-11-30 11:00", last: "2026-12-02 16:10",
                                                                                      direction: .outbound),
                                          calendar: zagreb, now: at("2026-12-02 16:10"))!
        #expect(resolved.dueAt == nil)
        #expect(resolved.nextCheck(warnMinutes: 15) == nil)
    }

    @Test("without business hours the clock runs around the clock; no policy means no clock")
    func clockTimeAndNoPolicy() {
        var always = policy
        always.policy.businessHours = false
        let clock = SLAClock.reconcile(nil, policy: always, observed: observe(), calendar: zagreb, now: at("2026-11-27 16:30"))!
        #expect(clock.timers["first_response"]?.dueAt == at("2026-11-27 17:30"))
        #expect(SLAClock.reconcile(clock, policy: nil, observed: observe(), calendar: zagreb, now: at("2026-11-27 16:30")) == nil)
    }

    @Test("policies apply by their conditions, in order")
    func policyChoice() throws {
        let vip = SLAPolicy(name: "VIP", conditions: .compare(field: "tags", op: "includes", value: .string("vip")), firstResponseMinutes: 15)
        let urgent = SLAPolicy(name: "Urgent", conditions: .compare(field: "priority", op: "gte", value: .string("high")), firstResponseMinutes: 30)
        let rest = SLAPolicy(name: "Everyone", firstResponseMinutes: 240)
        let set = SLAPolicySet([(1, try vip.validated()), (2, try urgent.validated()), (3, try rest.validated())])
        func facts(_ tags: Set<String>, _ priority: Priority) -> RuleFacts {
            RuleFacts(trigger: .messageInbound, channel: "email", inboxID: 1, subject: nil, text: "", language: nil, intent: nil,
                      sentiment: nil, urgent: false, priority: priority, status: .open, assigneeID: nil, teamID: nil, tags: tags,
                      customerEmail: nil, customerName: nil, withinBusinessHours: true, hoursSinceCreated: 0, messageCount: 1)
        }
        #expect(set.policy(for: facts(["vip"], .urgent))?.id == 1)
        #expect(set.policy(for: facts([], .urgent))?.id == 2)
        #expect(set.policy(for: facts([], .normal))?.id == 3)
        #expect(throws: ShopdeskError.self) { try SLAPolicy(name: "Nothing").validated() }
        // One message's text would make the policy change with every message.
        #expect(throws: ShopdeskError.self) {
            try SLAPolicy(name: "Text", conditions: .any([.compare(field: "message.text", op: "contains", value: .string("asap"))]),
                          firstResponseMinutes: 5).validated()
        }
    }
}

@Suite("SLA policies with their own hours")
struct SLAPolicyCalendarTests {
    @Test func aPolicysOwnCalendarWinsOverTheWorkspaces() throws {
        let weekdays = BusinessCalendar(timeZone: "UTC", weekly: ["mon": "09:00-17:00"])
        let weekend = BusinessCalendar(timeZone: "UTC", weekly: ["sat": "10:00-14:00"])
        let policy = try SLAPolicy(name: "Weekend desk", firstResponseMinutes: 60).validated()
        var own = policy
        own.calendar = weekend
        // Friday 2026-11-27 12:00 UTC.
        let friday = Date(timeIntervalSince1970: 1_795_780_800)
        let observed = SLAClock.Observation(status: .open, createdAt: friday, firstResponseAt: nil, lastMessageAt: friday,
                                            lastMessageDirection: .inbound)
        let workspace = SLAClock.reconcile(nil, policy: (1, policy), observed: observed, calendar: weekdays, now: friday)
        let desk = SLAClock.reconcile(nil, policy: (1, own), observed: observed, calendar: weekdays, now: friday)
        // Monday 10:00 on the workspace's hours, Saturday 11:00 on the desk's.
        #expect(workspace?.dueAt == friday.addingTimeInterval(3 * 86_400 - 2 * 3600))
        #expect(desk?.dueAt == friday.addingTimeInterval(86_400 - 3600))
        var broken = own
        broken.calendar = BusinessCalendar(timeZone: "Nowhere/City", weekly: nil)
        #expect(throws: ShopdeskError.self) { try broken.validated() }
    }
}
