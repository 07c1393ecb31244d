import Foundation

extension CompiledCondition.Kind {
    /// The kinds that compare a custom field (their node's `key` indexes the program's field names).
    var isCustom: Bool {
        switch self {
        case .customIn, .customNotIn, .customContains, .customNotContains, .customCompare, .customSet, .customNotSet: true
        default: false
        }
    }
}

/// `NSRegularExpression` is immutable after creation and documented as thread-safe, but is not
/// marked `Sendable`; this box says so in one place.
struct RegexBox: @unchecked Sendable {
    let regex: NSRegularExpression

    func matches(_ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
