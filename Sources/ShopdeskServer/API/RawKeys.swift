/// For request bodies whose keys are data (a filter's field names, custom field keys) rather
/// than properties: the decoder converts every key from snake_case (`customer_tag` arrives as
/// `customerTag`), so these keys are read with `Key` and turned back with `written`. Our keys are
/// lowercase snake_case, so the round trip is exact.
enum RawKeys {
    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static func written(_ converted: String) -> String {
        var result = ""
        for character in converted {
            if character.isUppercase { result += "_" + character.lowercased() } else { result.append(character) }
        }
        return result
    }
}
