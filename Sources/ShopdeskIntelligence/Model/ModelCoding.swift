import Foundation

/// The on-disk form of a `TextClassifier`: a small little-endian binary file.
///
/// ```
/// "SDTC" · version u32 · config 7×i32 · labels (u32 count, each u32 length + UTF-8)
/// notes (u32 length + UTF-8) · rows u32 · keys rows×u64 · idf rows×f32 · row scales rows×f32
/// bias classes×f32 · weights rows×stride×i8
/// ```
/// Weights are already 8-bit in memory, so a model predicts the same before and after a round trip.
extension TextClassifier {
    static let magic: [UInt8] = Array("SDTC".utf8)
    static let formatVersion: UInt32 = 1

    public enum ModelError: Error, CustomStringConvertible {
        case notAModel
        case unsupportedVersion(UInt32)
        case truncated
        case corrupt(String)

        public var description: String {
            switch self {
            case .notAModel: "this file is not a Shopdesk text model (it does not start with SDTC)"
            case let .unsupportedVersion(version): "model format version \(version) is newer than this Shopdesk understands"
            case .truncated: "the model file ends early; it is damaged or was not fully written"
            case let .corrupt(reason): "the model file is damaged: \(reason)"
            }
        }
    }

    public func serialized() -> Data {
        var out = ByteWriter()
        out.bytes(TextClassifier.magic)
        out.u32(TextClassifier.formatVersion)
        for value in [config.words ? 1 : 0, config.bigrams ? 1 : 0, config.skipWindow, config.charMin,
                      config.charMax, config.stem ? 1 : 0, config.foldWords ? 1 : 0] {
            out.u32(UInt32(value))
        }
        out.u32(UInt32(labels.count))
        for label in labels { out.string(label) }
        out.string(notes)
        out.u32(UInt32(index.count))
        for key in index.keys { out.u64(key) }
        for value in idf { out.f32(value) }
        for value in rowScales { out.f32(value) }
        for value in bias { out.f32(value) }
        weights.withUnsafeBytes { out.data.append(contentsOf: $0) }
        return out.data
    }

    public init(serialized data: Data) throws {
        var input = ByteReader(data: data)
        guard try input.bytes(4) == TextClassifier.magic else { throw ModelError.notAModel }
        let version = try input.u32()
        guard version == TextClassifier.formatVersion else { throw ModelError.unsupportedVersion(version) }
        var fields: [Int] = []
        for _ in 0..<7 { fields.append(Int(try input.u32())) }
        let config = FeatureConfig(words: fields[0] != 0, bigrams: fields[1] != 0, skipWindow: fields[2],
                                   charMin: fields[3], charMax: fields[4], stem: fields[5] != 0,
                                   foldWords: fields[6] != 0)
        guard config.charMax <= 16, config.skipWindow <= 16 else { throw ModelError.corrupt("feature settings out of range") }
        let labelCount = Int(try input.u32())
        guard labelCount >= 2, labelCount <= 100_000 else { throw ModelError.corrupt("\(labelCount) labels") }
        var labels: [String] = []
        for _ in 0..<labelCount { labels.append(try input.string()) }
        let notes = try input.string()
        let rows = Int(try input.u32())
        let stride = TextClassifier.stride(classes: labelCount)
        // Everything that follows has a known size: check it before allocating.
        let expected = rows * (8 + 4 + 4) + labelCount * 4 + rows * stride
        guard input.remaining == expected else {
            throw input.remaining < expected ? ModelError.truncated : ModelError.corrupt("unexpected bytes after the weights")
        }
        var keys = [UInt64](); keys.reserveCapacity(rows)
        for _ in 0..<rows { keys.append(try input.u64()) }
        var idf = [Float](); idf.reserveCapacity(rows)
        for _ in 0..<rows { idf.append(try input.f32()) }
        var scales = [Float](); scales.reserveCapacity(rows)
        for _ in 0..<rows { scales.append(try input.f32()) }
        var bias = [Float]()
        for _ in 0..<labelCount { bias.append(try input.f32()) }
        let raw = try input.bytes(rows * stride)
        let weights = raw.map { Int8(bitPattern: $0) }
        self.init(labels: labels, config: config, index: FeatureIndex(keys: keys), idf: idf, weights: weights,
                  rowScales: scales, bias: bias, notes: notes)
    }

    public init(contentsOf url: URL) throws {
        try self.init(serialized: try Data(contentsOf: url))
    }

    public func write(to url: URL) throws {
        try serialized().write(to: url, options: .atomic)
    }
}

struct ByteWriter {
    var data = Data()
    mutating func bytes(_ bytes: [UInt8]) { data.append(contentsOf: bytes) }
    mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
    mutating func u64(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
    mutating func f32(_ value: Float) { u32(value.bitPattern) }
    mutating func string(_ value: String) {
        let utf8 = Array(value.utf8)
        u32(UInt32(utf8.count))
        bytes(utf8)
    }
}

struct ByteReader {
    let data: [UInt8]
    var position = 0
    init(data: Data) { self.data = [UInt8](data) }
    var remaining: Int { data.count - position }

    mutating func bytes(_ count: Int) throws -> [UInt8] {
        guard count >= 0, remaining >= count else { throw TextClassifier.ModelError.truncated }
        defer { position += count }
        return Array(data[position..<position + count])
    }

    mutating func u32() throws -> UInt32 {
        let raw = try bytes(4)
        return UInt32(raw[0]) | UInt32(raw[1]) << 8 | UInt32(raw[2]) << 16 | UInt32(raw[3]) << 24
    }

    mutating func u64() throws -> UInt64 {
        UInt64(try u32()) | UInt64(try u32()) << 32
    }

    mutating func f32() throws -> Float { Float(bitPattern: try u32()) }

    mutating func string() throws -> String {
        let length = Int(try u32())
        guard length <= remaining else { throw TextClassifier.ModelError.truncated }
        guard let value = String(bytes: try bytes(length), encoding: .utf8) else {
            throw TextClassifier.ModelError.corrupt("a label is not UTF-8")
        }
        return value
    }
}
