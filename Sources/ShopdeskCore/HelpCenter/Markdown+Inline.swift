import Foundation

/// The inline pass of `Markdown`. Every closing token is found through a table of next
/// occurrences built once per line, and nested emphasis and link labels are rendered as ranges
/// of the same characters down to a fixed depth, so a line costs O(length × depth) whatever it
/// holds: a line of ten thousand unclosed `*` or `[` no longer scans to its end at every one.
struct InlineScanner {
    static let maximumDepth = 6
    let characters: [Character]
    /// next[token][i]: the first position ≥ i where the token starts, or `characters.count`.
    private var next: [String: [Int]] = [:]

    init(_ characters: [Character]) { self.characters = characters }

    /// The first start of `token` in `from..<end` that fits before `end`.
    mutating func find(_ token: String, from start: Int, before end: Int) -> Int? {
        guard start < end else { return nil }
        if next[token] == nil { next[token] = Self.table(token, in: characters) }
        let position = next[token]![start]
        return position + token.count <= end ? position : nil
    }

    private static func table(_ token: String, in characters: [Character]) -> [Int] {
        let needle = Array(token)
        var table = [Int](repeating: characters.count, count: characters.count + 1)
        var position = characters.count - 1
        while position >= 0 {
            let matches = position + needle.count <= characters.count
                && (0..<needle.count).allSatisfy { characters[position + $0] == needle[$0] }
            table[position] = matches ? position : table[position + 1]
            position -= 1
        }
        return table
    }

    mutating func render(_ range: Range<Int>, depth: Int) -> String {
        var output = ""
        var index = range.lowerBound
        let end = range.upperBound
        let nests = depth < Self.maximumDepth
        while index < end {
            let character = characters[index]
            if character == "\\", index + 1 < end, "\\`*_[]()!#".contains(characters[index + 1]) {
                output += HTMLEscaping.escape(String(characters[index + 1]))
                index += 2
                continue
            }
            if character == "`", let close = find("`", from: index + 1, before: end) {
                output += "<code>" + HTMLEscaping.escape(String(characters[index + 1..<close])) + "</code>"
                index = close + 1
                continue
            }
            if nests, character == "*" || character == "_" {
                let strong = index + 1 < end && characters[index + 1] == character
                let token = strong ? String(repeating: character, count: 2) : String(character)
                if let close = find(token, from: index + token.count, before: end), close > index + token.count {
                    let tag = strong ? "strong" : "em"
                    output += "<\(tag)>" + render(index + token.count..<close, depth: depth + 1) + "</\(tag)>"
                    index = close + token.count
                    continue
                }
            }
            let image = character == "!" && index + 1 < end && characters[index + 1] == "["
            if nests, character == "[" || image {
                let open = image ? index + 1 : index
                if let close = find("](", from: open + 1, before: end), let stop = find(")", from: close + 2, before: end) {
                    let label = open + 1..<close
                    let target = String(characters[close + 2..<stop]).trimmingCharacters(in: .whitespaces)
                    if image, target.lowercased().hasPrefix("https://") {
                        output += "<img src=\"\(HTMLEscaping.escape(target))\" alt=\"\(HTMLEscaping.escape(String(characters[label])))\" loading=\"lazy\">"
                        index = stop + 1
                        continue
                    }
                    if !image, Markdown.isSafeLink(target) {
                        let external = target.lowercased().hasPrefix("http")
                        output += "<a href=\"\(HTMLEscaping.escape(target))\"\(external ? " rel=\"noopener nofollow\"" : "")>"
                            + render(label, depth: depth + 1) + "</a>"
                        index = stop + 1
                        continue
                    }
                }
            }
            output += HTMLEscaping.escape(String(character))
            index += 1
        }
        return output
    }
}
