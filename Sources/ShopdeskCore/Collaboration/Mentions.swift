/// `@Name` in an internal note: which of the workspace's agents it names. The longest name that
/// follows an `@` wins ("@Ana Lima" over "@Ana"), case and accents as written are compared
/// case-insensitively, and the name must end at a word's end ("@Anabela" is not "@Ana").
/// Only the first `maxMentions` `@` signs are looked at, so a note full of them costs no more
/// than a short one.
public enum Mentions {
    public static let maxMentions = 50

    public static func find<ID: Hashable>(in text: String, names: [(id: ID, name: String)]) -> [ID] {
        let candidates = names
            .map { (id: $0.id, name: Array($0.name.lowercased())) }
            .filter { !$0.name.isEmpty }
            .sorted { $0.name.count > $1.name.count }
        guard !candidates.isEmpty else { return [] }
        let characters = Array(text.lowercased())
        var found: [ID] = []
        var seen = Set<ID>()
        var looked = 0
        var index = 0
        while index < characters.count, looked < maxMentions {
            defer { index += 1 }
            guard characters[index] == "@" else { continue }
            // An address (ana@shop.example) is not a mention: the @ must start a word.
            if index > 0, characters[index - 1].isLetter || characters[index - 1].isNumber { continue }
            looked += 1
            let start = index + 1
            for candidate in candidates {
                let end = start + candidate.name.count
                guard end <= characters.count, characters[start..<end].elementsEqual(candidate.name) else { continue }
                if end < characters.count, characters[end].isLetter || characters[end].isNumber { continue }
                if seen.insert(candidate.id).inserted { found.append(candidate.id) }
                break
            }
        }
        return found
    }
}
