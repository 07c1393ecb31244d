/// Tag names are compared case-insensitively, so they are stored lowercased and trimmed.
public enum TagName {
    public static let maxLength = 64

    public static func normalize(_ raw: String) throws(ShopdeskError) -> String {
        let collapsed = raw.split(whereSeparator: \.isWhitespace).joined(separator: " ").lowercased()
        guard !collapsed.isEmpty else { throw .invalid(field: "tags", "A tag cannot be empty.") }
        guard collapsed.count <= maxLength else {
            throw .invalid(field: "tags", "A tag can be at most \(maxLength) characters long.")
        }
        return collapsed
    }

    public static func normalize(_ raw: Set<String>) throws(ShopdeskError) -> Set<String> {
        var result: Set<String> = []
        for name in raw { result.insert(try normalize(name)) }
        return result
    }
}
