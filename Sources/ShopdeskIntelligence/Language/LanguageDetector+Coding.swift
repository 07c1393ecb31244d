import Foundation

/// The on-disk form of a `LanguageDetector`, little-endian:
///
/// ```
/// "SDLD" · version u32 · languages u32 · per language: label, prior f32, unseen share f32
/// alpha f32 · step f32 · notes
/// grams u32 · keys grams×u32 · values grams×languages×u8
/// words u32 · keys words×u32 · per word: presence mask u16, then one u8 per language present
/// ```
/// Strings are u32 length + UTF-8. Words are stored sparsely (most are in one or two lists).
extension LanguageDetector {
    static let magic: [UInt8] = Array("SDLD".utf8)
    static let formatVersion: UInt32 = 1

    public func serialized() -> Data {
        var out = ByteWriter()
        out.bytes(Self.magic)
        out.u32(Self.formatVersion)
        out.u32(UInt32(labels.count))
        for (index, label) in labels.enumerated() {
            out.string(label)
            out.f32(Float(priors[index]))
            out.f32(Float(unseenShare[index]))
        }
        out.f32(Float(alpha))
        out.f32(Float(step))
        out.string(notes)
        out.u32(UInt32(grams.count))
        for key in grams.keys { out.u32(UInt32(truncatingIfNeeded: key)) }
        out.bytes(gramValues)
        out.u32(UInt32(words.count))
        for key in words.keys { out.u32(UInt32(truncatingIfNeeded: key)) }
        let languages = labels.count
        for row in 0..<words.count {
            let values = wordValues[(row * languages)..<((row + 1) * languages)]
            var mask: UInt16 = 0
            for (language, value) in values.enumerated() where value != Self.absent { mask |= 1 << UInt16(language) }
            out.bytes([UInt8(mask & 0xFF), UInt8(mask >> 8)])
            out.bytes(values.filter { $0 != Self.absent })
        }
        return out.data
    }

    public init(serialized data: Data) throws {
        var input = ByteReader(data: data)
        guard try input.bytes(4) == Self.magic else {
            throw TextClassifier.ModelError.corrupt("not a Shopdesk language model (it does not start with SDLD)")
        }
        let version = try input.u32()
        guard version == Self.formatVersion else { throw TextClassifier.ModelError.unsupportedVersion(version) }
        let languages = Int(try input.u32())
        guard (1...16).contains(languages) else { throw TextClassifier.ModelError.corrupt("\(languages) languages") }
        var labels: [String] = []
        var priors: [Double] = []
        var unseen: [Double] = []
        for _ in 0..<languages {
            labels.append(try input.string())
            priors.append(Double(try input.f32()))
            unseen.append(Double(try input.f32()))
        }
        let alpha = Double(try input.f32())
        let step = Double(try input.f32())
        let notes = try input.string()
        let gramCount = Int(try input.u32())
        guard gramCount * (4 + languages) <= input.remaining else { throw TextClassifier.ModelError.truncated }
        var gramKeys: [UInt32] = []
        gramKeys.reserveCapacity(gramCount)
        for _ in 0..<gramCount { gramKeys.append(try input.u32()) }
        let gramValues = try input.bytes(gramCount * languages)
        let wordCount = Int(try input.u32())
        guard wordCount * 6 <= input.remaining else { throw TextClassifier.ModelError.truncated }
        var wordKeys: [UInt32] = []
        wordKeys.reserveCapacity(wordCount)
        for _ in 0..<wordCount { wordKeys.append(try input.u32()) }
        var wordValues = [UInt8](repeating: Self.absent, count: wordCount * languages)
        for row in 0..<wordCount {
            let maskBytes = try input.bytes(2)
            let mask = UInt16(maskBytes[0]) | UInt16(maskBytes[1]) << 8
            for language in 0..<languages where mask & (1 << UInt16(language)) != 0 {
                wordValues[row * languages + language] = try input.bytes(1)[0]
            }
        }
        guard input.remaining == 0 else { throw TextClassifier.ModelError.corrupt("\(input.remaining) bytes after the word table") }
        self.init(labels: labels, priors: priors, unseenShare: unseen, alpha: alpha, step: step, gramKeys: gramKeys,
                  gramValues: gramValues, wordKeys: wordKeys, wordValues: wordValues, notes: notes)
    }

    public init(contentsOf url: URL) throws {
        try self.init(serialized: try Data(contentsOf: url))
    }

    public func write(to url: URL) throws {
        try serialized().write(to: url, options: .atomic)
    }
}
