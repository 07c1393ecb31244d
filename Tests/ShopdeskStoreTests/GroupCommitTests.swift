import Foundation
import ShopdeskCore
import ShopdeskStore
import ShopdeskTestSupport
import Testing

@Suite("Group commit")
struct GroupCommitTests {
    struct Refused: Error {}

    /// Many concurrent writes share transactions; the ones that throw are rolled back alone and
    /// every other one commits.
    @Test(arguments: TestDatabase.kinds)
    func aFailingWriteDoesNotTakeItsBatchDown(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            let outcomes = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
                for index in 0..<100 {
                    group.addTask {
                        do {
                            try await database.write { sql in
                                try await sql.raw("""
                                    INSERT INTO workspaces (name, time_zone, created_at) VALUES (\(bind: "w\(index)"), 'UTC', 0)
                                    """).run()
                                if index % 7 == 0 { throw Refused() }
                            }
                            return (index, true)
                        } catch is Refused {
                            return (index, false)
                        }
                    }
                }
                var all: [Int: Bool] = [:]
                for try await (index, committed) in group { all[index] = committed }
                return all
            }
            let stored = try await database.read { sql in
                try await sql.raw("SELECT name FROM workspaces").all().map { try $0.decode(column: "name", as: String.self) }
            }
            #expect(Set(stored) == Set(outcomes.filter(\.value).map { "w\($0.key)" }))
            #expect(outcomes.filter { !$0.value }.count == 15)
        }
    }
}
