import Testing
@testable import ShopdeskCore

@Suite("Assignment")
struct AgentChooserTests {
    let team = [
        AgentChooser.Candidate(id: AgentID(1), language: "en", online: true, load: 3, capacity: 10),
        AgentChooser.Candidate(id: AgentID(2), language: "pt-BR", online: true, load: 1, capacity: 10),
        AgentChooser.Candidate(id: AgentID(3), language: "hr", online: false, load: 0, capacity: 10),
        AgentChooser.Candidate(id: AgentID(4), language: "ru", online: true, load: 5, capacity: 5),
    ]

    @Test func roundRobinTakesTurnsAmongOnlineAgentsWithRoom() {
        let policy = AssignmentPolicy(mode: .roundRobin)
        #expect(AgentChooser.choose(team, policy: policy, language: nil, lastPicked: nil) == AgentID(1))
        #expect(AgentChooser.choose(team, policy: policy, language: nil, lastPicked: AgentID(1)) == AgentID(2))
        // 3 is offline and 4 is full: back to 1.
        #expect(AgentChooser.choose(team, policy: policy, language: nil, lastPicked: AgentID(2)) == AgentID(1))
    }

    @Test func leastLoadedPicksTheFreestAndRotatesTies() {
        let policy = AssignmentPolicy(mode: .leastLoaded)
        #expect(AgentChooser.choose(team, policy: policy, language: nil, lastPicked: nil) == AgentID(2))
        let tied = team.map { var agent = $0; agent.load = 0; return agent }
        #expect(AgentChooser.choose(tied, policy: policy, language: nil, lastPicked: AgentID(1)) == AgentID(2))
        #expect(AgentChooser.choose(tied, policy: policy, language: nil, lastPicked: AgentID(2)) == AgentID(4))
        #expect(AgentChooser.choose(tied, policy: policy, language: nil, lastPicked: AgentID(4)) == AgentID(1))
    }

    @Test func languageIsPreferredButNeverLeavesACustomerWaiting() {
        let policy = AssignmentPolicy(mode: .roundRobin, matchLanguage: true)
        #expect(AgentChooser.choose(team, policy: policy, language: "pt", lastPicked: nil) == AgentID(2))
        // The Croatian speaker is offline: someone else answers.
        #expect(AgentChooser.choose(team, policy: policy, language: "hr", lastPicked: nil) == AgentID(1))
        let anyone = AssignmentPolicy(mode: .roundRobin, onlineOnly: false, matchLanguage: true)
        #expect(AgentChooser.choose(team, policy: anyone, language: "hr", lastPicked: nil) == AgentID(3))
    }

    @Test func manualOrNobodyAvailableLeavesItUnassigned() {
        #expect(AgentChooser.choose(team, policy: AssignmentPolicy(mode: .manual), language: nil, lastPicked: nil) == nil)
        let away = team.map { var agent = $0; agent.online = false; return agent }
        #expect(AgentChooser.choose(away, policy: AssignmentPolicy(mode: .leastLoaded), language: nil, lastPicked: nil) == nil)
    }
}
