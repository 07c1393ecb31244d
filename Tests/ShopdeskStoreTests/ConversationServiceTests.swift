import Foundation
import ShopdeskCore
import ShopdeskStore
import ShopdeskTestSupport
import Testing

@Suite("Conversation changes, replies and merge")
struct ConversationServiceTests {
    @Test(arguments: TestDatabase.kinds)
    func changesAreStoredWithTimelineAndSnoozeTimer(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            let fixture = try await TestDatabase.fixture(database)
            let service = ConversationService(database: database, publisher: nil)
            let ws = fixture.workspace.id
            let first = try await service.ingest(.sample(inbox: fixture.inbox.id), workspaceID: ws)
            let until = Date().addingTimeInterval(3600)
            let updated = try await service.update(workspaceID: ws, id: first.conversationID, commands: [
                .assign(fixture.agent.id), .setPriority(.urgent), .addTags(["VIP", "refund"]), .setStatus(.snoozed, snoozeUntil: until),
            ], actor: .agent(fixture.agent.id))
            #expect(updated.state.tags == ["vip", "refund"])
            let (reloaded, timeline, jobs) = try await database.read { sql in
                (try await ConversationRepository.find(workspaceID: ws, id: first.conversationID, in: sql),
                 try await EventLog.timeline(workspaceID: ws, conversationID: first.conversationID, in: sql),
                 try await JobQueue.list(workspaceID: ws, status: .queued, limit: 10, in: sql))
            }
            #expect(reloaded?.state.assigneeID == fixture.agent.id)
            #expect(reloaded?.state.priority == .urgent)
            #expect(reloaded?.state.status == .snoozed)
            #expect(reloaded?.state.tags == ["vip", "refund"])
            #expect(timeline.map(\.kind).suffix(4) == [
                .conversationAssigneeChanged, .conversationPriorityChanged, .conversationTagsChanged, .conversationStatusChanged,
            ])
            #expect(timeline.last?.actor == .agent(fixture.agent.id))
            #expect(jobs.map(\.kind) == [JobKind.snoozeWake])
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func wakeReopensOnlyADueSnooze(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            let fixture = try await TestDatabase.fixture(database)
            let clock = TestClock(Date())
            let service = ConversationService(database: database, publisher: nil, now: { clock.now })
            let ws = fixture.workspace.id
            let first = try await service.ingest(.sample(inbox: fixture.inbox.id), workspaceID: ws)
            _ = try await service.update(workspaceID: ws, id: first.conversationID,
                                         commands: [.setStatus(.snoozed, snoozeUntil: clock.now.addingTimeInterval(60))], actor: .system)
            try await service.wake(workspaceID: ws, id: first.conversationID, at: clock.now)
            #expect(try await status(database, ws, first.conversationID) == .snoozed)
            clock.advance(61)
            try await service.wake(workspaceID: ws, id: first.conversationID, at: clock.now)
            #expect(try await status(database, ws, first.conversationID) == .open)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func replyIsQueuedWithASendJobAndNoteIsNot(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            let fixture = try await TestDatabase.fixture(database)
            let service = ConversationService(database: database, publisher: nil)
            let ws = fixture.workspace.id
            let first = try await service.ingest(.sample(inbox: fixture.inbox.id), workspaceID: ws)
            let reply = try await service.reply(workspaceID: ws, conversationID: first.conversationID, text: "On its way!",
                                                isNote: false, agentID: fixture.agent.id)
            let note = try await service.reply(workspaceID: ws, conversationID: first.conversationID, text: "Customer is VIP",
                                               isNote: true, agentID: fixture.agent.id)
            #expect(reply.deliveryStatus == .queued)
            #expect(note.direction == .note)
            #expect(note.deliveryStatus == nil)
            let jobs = try await database.read { try await JobQueue.list(workspaceID: ws, status: .queued, limit: 10, in: $0) }
            #expect(jobs.map(\.kind) == [JobKind.sendMessage])
            #expect(jobs.first?.payload["message_id"]?.int64Value == reply.id.rawValue)
            let conversation = try await database.read { try await ConversationRepository.find(workspaceID: ws, id: first.conversationID, in: $0) }
            #expect(conversation?.firstResponseAt != nil)
            #expect(conversation?.lastMessagePreview == "On its way!")
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func mergeMovesMessagesAndLaterRepliesLandInTheSurvivor(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            let fixture = try await TestDatabase.fixture(database)
            let service = ConversationService(database: database, publisher: nil)
            let ws = fixture.workspace.id
            let source = try await service.ingest(.sample(inbox: fixture.inbox.id, email: "a@example.com"), workspaceID: ws)
            let target = try await service.ingest(.sample(inbox: fixture.inbox.id, email: "a2@example.com"), workspaceID: ws)
            let survivor = try await service.merge(workspaceID: ws, sourceID: source.conversationID, into: target.conversationID,
                                                   actor: .agent(fixture.agent.id))
            #expect(survivor.messageCount == 2)
            let late = try await service.reply(workspaceID: ws, conversationID: source.conversationID, text: "late reply",
                                               isNote: false, agentID: fixture.agent.id)
            #expect(late.conversationID == target.conversationID)
            let (sourceTimeline, targetTimeline) = try await database.read { sql in
                (try await EventLog.timeline(workspaceID: ws, conversationID: source.conversationID, in: sql),
                 try await EventLog.timeline(workspaceID: ws, conversationID: target.conversationID, in: sql))
            }
            #expect(sourceTimeline.contains { $0.kind == .conversationMerged })
            #expect(targetTimeline.contains { $0.kind == .conversationMergeReceived })
            await #expect(throws: ShopdeskError.self) {
                try await service.update(workspaceID: ws, id: source.conversationID, commands: [.setStatus(.resolved)], actor: .system)
            }
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func listFiltersSortsPagesAndCounts(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            let fixture = try await TestDatabase.fixture(database)
            let service = ConversationService(database: database, publisher: nil)
            let ws = fixture.workspace.id
            var ids: [ConversationID] = []
            for index in 0..<7 {
                ids.append(try await service.ingest(.sample(inbox: fixture.inbox.id, email: "p\(index)@example.com"), workspaceID: ws).conversationID)
            }
            _ = try await service.update(workspaceID: ws, id: ids[0], commands: [.assign(fixture.agent.id), .setPriority(.urgent)], actor: .system)
            _ = try await service.update(workspaceID: ws, id: ids[1], commands: [.setStatus(.pending)], actor: .system)
            _ = try await service.update(workspaceID: ws, id: ids[2], commands: [.addTags(["vip"])], actor: .system)

            var seen: [ConversationID] = []
            var cursor: String?
            repeat {
                let page = try await database.read { [cursor] sql in
                    try await ConversationRepository.list(workspaceID: ws, filter: .init(), sort: .newest, cursor: cursor, limit: 3, in: sql)
                }
                seen += page.conversations.map(\.id)
                cursor = page.nextCursor
            } while cursor != nil
            #expect(seen == ids.reversed())

            var urgentFirst = ConversationFilter()
            urgentFirst.statuses = [.open]
            let byPriority = try await database.read { [urgentFirst] sql in
                try await ConversationRepository.list(workspaceID: ws, filter: urgentFirst, sort: .priority, cursor: nil, limit: 50, in: sql)
            }
            #expect(byPriority.conversations.first?.id == ids[0])
            #expect(byPriority.conversations.count == 6)

            var tagged = ConversationFilter()
            tagged.tags = ["vip"]
            let vip = try await database.read { [tagged] sql in
                try await ConversationRepository.list(workspaceID: ws, filter: tagged, sort: .newest, cursor: nil, limit: 50, in: sql)
            }
            #expect(vip.conversations.map(\.id) == [ids[2]])

            let counts = try await database.read {
                try await ConversationRepository.viewCounts(workspaceID: ws, agentID: fixture.agent.id, visibleInboxes: nil, in: $0)
            }
            #expect(counts == ["mine": 1, "unassigned": 5, "open": 6, "pending": 1, "snoozed": 0, "resolved": 0, "spam": 0])

            // The counters follow every kind of change, merges included, and agree with a recount.
            _ = try await service.update(workspaceID: ws, id: ids[3], commands: [.setStatus(.resolved)], actor: .system)
            _ = try await service.update(workspaceID: ws, id: ids[0], commands: [.assign(nil), .setStatus(.pending)], actor: .system)
            _ = try await service.merge(workspaceID: ws, sourceID: ids[4], into: ids[5], actor: .system)
            _ = try await service.ingest(.sample(inbox: fixture.inbox.id, email: "p1@example.com", text: "reopen"), workspaceID: ws)
            let (kept, recounted) = try await database.read { sql in
                (try await ConversationRepository.viewCounts(workspaceID: ws, agentID: fixture.agent.id, visibleInboxes: nil, in: sql),
                 try await ConversationRepository.recountViews(workspaceID: ws, agentID: fixture.agent.id, in: sql))
            }
            #expect(kept == recounted)
            #expect(kept["resolved"] == 1)
            let none = try await database.read {
                try await ConversationRepository.viewCounts(workspaceID: ws, agentID: fixture.agent.id, visibleInboxes: [], in: $0)
            }
            #expect(none.values.allSatisfy { $0 == 0 })
        }
    }

    private func status(_ database: Database, _ ws: WorkspaceID, _ id: ConversationID) async throws -> ConversationStatus? {
        try await database.read { try await ConversationRepository.find(workspaceID: ws, id: id, in: $0) }?.state.status
    }
}

/// A clock the test moves by hand.
final class TestClock: @unchecked Sendable {
    // Tests move it between awaits only; the lock makes reads from service tasks well-defined.
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date) { current = start }
    var now: Date { lock.withLock { current } }
    func advance(_ seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
}
