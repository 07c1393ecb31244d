import Foundation

/// Decoders for the multi-byte charsets of Japanese, Chinese and Korean mail: Shift_JIS, EUC-JP,
/// ISO-2022-JP, GBK/GB18030 (and GB2312, which they contain), Big5 (with HKSCS), EUC-KR
/// (Windows-949) and ISO-2022-KR. Each follows the decoder of the WHATWG Encoding Standard:
/// one pass, no backtracking beyond the current character, a byte that does not fit becomes
/// U+FFFD and an ASCII byte after a broken lead is read again as itself, so nothing the sender
/// wrote in ASCII is lost. The tables are generated (`make-cjk-tables.py`) into `CharsetData/`.
enum EastAsianCharsets {
    enum Kind: Sendable {
        case shiftJIS, eucJP, iso2022JP, gb18030, big5, eucKR, iso2022KR
    }

    /// The charset a label names, if it is one of these.
    static func kind(_ canonical: String) -> Kind? {
        switch canonical {
        case "shift-jis", "shift_jis", "sjis", "x-sjis", "ms-kanji", "ms932", "cp932", "windows-31j", "csshiftjis", "x-ms-cp932":
            .shiftJIS
        case "euc-jp", "eucjp", "x-euc-jp", "cseucpkdfmtjapanese", "ujis":
            .eucJP
        case "iso-2022-jp", "csiso2022jp", "iso-2022-jp-1", "iso-2022-jp-2", "iso-2022-jp-3", "iso2022jp", "jis":
            .iso2022JP
        case "gb18030", "gbk", "x-gbk", "gb2312", "gb-2312", "gb-2312-80", "csgb2312", "csiso58gb231280", "iso-ir-58", "chinese",
             "euc-cn", "euccn", "cp936", "ms936", "windows-936", "hz-gb-2312-compatible":
            .gb18030
        case "big5", "big5-hkscs", "big5hkscs", "cn-big5", "csbig5", "x-x-big5", "cp950", "x-windows-950", "windows-950":
            .big5
        case "euc-kr", "euckr", "cseuckr", "csksc56011987", "iso-ir-149", "korean", "ks-c-5601-1987", "ks-c-5601-1989", "ksc5601",
             "ksc-5601", "windows-949", "cp949", "uhc", "x-windows-949", "ms949":
            .eucKR
        case "iso-2022-kr", "csiso2022kr":
            .iso2022KR
        default:
            nil
        }
    }

    static func decode(_ input: [UInt8], as kind: Kind) -> String {
        var output = Output(capacity: input.count)
        switch kind {
        case .shiftJIS: shiftJIS(input, &output)
        case .eucJP: eucJP(input, &output)
        case .iso2022JP: iso2022JP(input, &output)
        case .gb18030: gb18030(input, &output)
        case .big5: big5(input, &output)
        case .eucKR: eucKR(input, &output)
        case .iso2022KR: iso2022KR(input, &output)
        }
        return String(output.scalars)
    }

    struct Output {
        var scalars = String.UnicodeScalarView()
        init(capacity: Int) { scalars.reserveCapacity(capacity) }
        mutating func append(_ value: UInt32) { scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}") }
        mutating func ascii(_ byte: UInt8) { scalars.append(Unicode.Scalar(byte)) }
        mutating func error() { scalars.append("\u{FFFD}") }
    }

    // MARK: Japanese

    private static func shiftJIS(_ input: [UInt8], _ output: inout Output) {
        twoByte(input, &output,
                single: { byte in byte <= 0x80 ? UInt32(byte) : (0xA1...0xDF).contains(byte) ? 0xFF61 - 0xA1 + UInt32(byte) : nil },
                isLead: { (0x81...0x9F).contains($0) || (0xE0...0xFC).contains($0) },
                pointer: { lead, trail in
                    guard (0x40...0x7E).contains(trail) || (0x80...0xFC).contains(trail) else { return nil }
                    return (Int(lead) - (lead < 0xA0 ? 0x81 : 0xC1)) * 188 + Int(trail) - (trail < 0x7F ? 0x40 : 0x41)
                },
                lookup: { pointer, output in
                    if (8836...10715).contains(pointer) {
                        output.append(0xE000 - 8836 + UInt32(pointer))   // the user-defined area
                        return true
                    }
                    guard let code = Tables.shared.jis0208.at(pointer) else { return false }
                    output.append(code)
                    return true
                })
    }

    /// The shape Shift_JIS, Big5 and EUC-KR share: single bytes alone, then a lead and a trail
    /// byte that name a pointer into a table. A trail that cannot follow a lead is read again on
    /// its own; a pair with no character whose trail is ASCII gives the ASCII back (WHATWG).
    private static func twoByte(
        _ input: [UInt8], _ output: inout Output, single: (UInt8) -> UInt32?, isLead: (UInt8) -> Bool,
        pointer: (_ lead: UInt8, _ trail: UInt8) -> Int?, lookup: (Int, inout Output) -> Bool
    ) {
        var index = 0
        while index < input.count {
            let byte = input[index]
            index += 1
            if let scalar = single(byte) {
                output.append(scalar)
                continue
            }
            guard isLead(byte), index < input.count, let pointer = pointer(byte, input[index]) else {
                output.error()
                continue
            }
            let trail = input[index]
            index += 1
            if !lookup(pointer, &output) {
                output.error()
                if trail < 0x80 { index -= 1 }
            }
        }
    }

    private static func eucJP(_ input: [UInt8], _ output: inout Output) {
        var index = 0
        while index < input.count {
            let byte = input[index]
            index += 1
            switch byte {
            case 0...0x7F: output.ascii(byte)
            case 0x8E:   // half-width katakana
                if index < input.count, (0xA1...0xDF).contains(input[index]) {
                    output.append(0xFF61 - 0xA1 + UInt32(input[index]))
                    index += 1
                } else {
                    output.error()
                }
            case 0x8F, 0xA1...0xFE:
                let table = byte == 0x8F ? Tables.shared.jis0212 : Tables.shared.jis0208
                let start = byte == 0x8F ? index : index - 1
                guard start + 1 < input.count, (0xA1...0xFE).contains(input[start]), (0xA1...0xFE).contains(input[start + 1]) else {
                    output.error()
                    if byte == 0x8F, index < input.count, (0xA1...0xFE).contains(input[index]) { index += 1 }
                    break
                }
                index = start + 2
                let pointer = (Int(input[start]) - 0xA1) * 94 + Int(input[start + 1]) - 0xA1
                if let code = table.at(pointer) { output.append(code) } else { output.error() }
            default: output.error()
            }
        }
    }

    /// RFC 1468 mail: escape sequences switch between ASCII, JIS X 0201 Roman and katakana, and
    /// two-byte JIS X 0208 (and 0212, from ISO-2022-JP-1). Line breaks are kept in every mode.
    private static func iso2022JP(_ input: [UInt8], _ output: inout Output) {
        enum Mode { case ascii, roman, katakana, jis0208, jis0212 }
        var mode = Mode.ascii
        var index = 0
        while index < input.count {
            let byte = input[index]
            index += 1
            if byte == 0x1B {
                let rest = input[index..<min(index + 3, input.count)]
                if rest.starts(with: [0x28, 0x42]) { mode = .ascii; index += 2 }
                else if rest.starts(with: [0x28, 0x4A]) { mode = .roman; index += 2 }
                else if rest.starts(with: [0x28, 0x49]) { mode = .katakana; index += 2 }
                else if rest.starts(with: [0x24, 0x40]) || rest.starts(with: [0x24, 0x42]) { mode = .jis0208; index += 2 }
                else if rest.starts(with: [0x24, 0x28, 0x44]) { mode = .jis0212; index += 3 }
                else if rest.starts(with: [0x24, 0x28, 0x42]) || rest.starts(with: [0x24, 0x28, 0x51]) { mode = .jis0208; index += 3 }
                else { output.error() }
                continue
            }
            if byte == 0x0A || byte == 0x0D {
                output.ascii(byte)
                continue
            }
            switch mode {
            case .ascii:
                if byte < 0x80, byte != 0x0E, byte != 0x0F { output.ascii(byte) } else { output.error() }
            case .roman:
                if byte == 0x5C { output.append(0xA5) }
                else if byte == 0x7E { output.append(0x203E) }
                else if byte < 0x80, byte != 0x0E, byte != 0x0F { output.ascii(byte) }
                else { output.error() }
            case .katakana:
                if (0x21...0x5F).contains(byte) { output.append(0xFF61 - 0x21 + UInt32(byte)) } else { output.error() }
            case .jis0208, .jis0212:
                guard (0x21...0x7E).contains(byte), index < input.count, (0x21...0x7E).contains(input[index]) else {
                    output.error()
                    continue
                }
                let pointer = (Int(byte) - 0x21) * 94 + Int(input[index]) - 0x21
                index += 1
                let table = mode == .jis0208 ? Tables.shared.jis0208 : Tables.shared.jis0212
                if let code = table.at(pointer) { output.append(code) } else { output.error() }
            }
        }
    }

    // MARK: Chinese

    private static func gb18030(_ input: [UInt8], _ output: inout Output) {
        var index = 0
        while index < input.count {
            let byte = input[index]
            index += 1
            switch byte {
            case 0...0x7F: output.ascii(byte)
            case 0x80: output.append(0x20AC)
            case 0x81...0xFE:
                guard index < input.count else { output.error(); break }
                let second = input[index]
                if (0x30...0x39).contains(second) {
                    // Four bytes: lead, digit, 0x81–0xFE, digit.
                    guard index + 2 < input.count, (0x81...0xFE).contains(input[index + 1]), (0x30...0x39).contains(input[index + 2]) else {
                        output.error()
                        break   // the bytes after the lead are read again on their own
                    }
                    let pointer = ((Int(byte) - 0x81) * 10 + Int(second) - 0x30) * 1260
                        + (Int(input[index + 1]) - 0x81) * 10 + Int(input[index + 2]) - 0x30
                    index += 3
                    if let code = Tables.shared.gb18030Range(pointer) { output.append(code) } else { output.error() }
                } else if (0x40...0x7E).contains(second) || (0x80...0xFE).contains(second) {
                    index += 1
                    let pointer = (Int(byte) - 0x81) * 190 + Int(second) - (second < 0x7F ? 0x40 : 0x41)
                    if let code = Tables.shared.gb18030.at(pointer) { output.append(code) } else { output.error() }
                } else {
                    output.error()
                }
            default: output.error()
            }
        }
    }

    private static func big5(_ input: [UInt8], _ output: inout Output) {
        twoByte(input, &output, single: { $0 < 0x80 ? UInt32($0) : nil }, isLead: { (0x81...0xFE).contains($0) },
                pointer: { lead, trail in
                    guard (0x40...0x7E).contains(trail) || (0xA1...0xFE).contains(trail) else { return nil }
                    return (Int(lead) - 0x81) * 157 + Int(trail) - (trail < 0x7F ? 0x40 : 0x62)
                },
                lookup: { pointer, output in
                    // Four HKSCS characters are a letter and a combining mark.
                    let pairs: [Int: (UInt32, UInt32)] = [1133: (0xCA, 0x304), 1135: (0xCA, 0x30C), 1164: (0xEA, 0x304), 1166: (0xEA, 0x30C)]
                    if let pair = pairs[pointer] {
                        output.append(pair.0)
                        output.append(pair.1)
                        return true
                    }
                    guard let code = Tables.shared.big5.at(pointer) else { return false }
                    output.append(code)
                    return true
                })
    }

    // MARK: Korean

    private static func eucKR(_ input: [UInt8], _ output: inout Output) {
        twoByte(input, &output, single: { $0 < 0x80 ? UInt32($0) : nil }, isLead: { (0x81...0xFE).contains($0) },
                pointer: { lead, trail in (0x41...0xFE).contains(trail) ? (Int(lead) - 0x81) * 190 + Int(trail) - 0x41 : nil },
                lookup: { pointer, output in
                    guard let code = Tables.shared.eucKR.at(pointer) else { return false }
                    output.append(code)
                    return true
                })
    }

    /// RFC 1557: the designation `ESC $ ) C` once, then SO (0x0E) shifts to KS X 1001 pairs of
    /// 7-bit bytes (EUC-KR's with the high bit cleared) and SI (0x0F) back to ASCII.
    private static func iso2022KR(_ input: [UInt8], _ output: inout Output) {
        var shifted = false
        var index = 0
        while index < input.count {
            let byte = input[index]
            index += 1
            switch byte {
            case 0x1B:
                if input[index..<min(index + 3, input.count)].elementsEqual([0x24, 0x29, 0x43]) { index += 3 } else { output.error() }
            case 0x0E: shifted = true
            case 0x0F: shifted = false
            case 0x0A, 0x0D: output.ascii(byte)
            case 0x21...0x7E where shifted:
                guard index < input.count, (0x21...0x7E).contains(input[index]) else { output.error(); break }
                let pointer = (Int(byte) + 0x80 - 0x81) * 190 + Int(input[index]) + 0x80 - 0x41
                index += 1
                if let code = Tables.shared.eucKR.at(pointer) { output.append(code) } else { output.error() }
            case 0...0x7F: output.ascii(byte)
            default: output.error()
            }
        }
    }
}

// MARK: Tables

extension EastAsianCharsets {
    /// A table of code points by pointer, 0 where the pointer has none.
    struct Table: Sendable {
        let values: [UInt32]
        func at(_ pointer: Int) -> UInt32? {
            guard pointer >= 0, pointer < values.count else { return nil }
            let value = values[pointer]
            return value == 0 ? nil : value
        }
    }

    /// Loaded once, on the first East-Asian text. A build without the resource files decodes
    /// such text as U+FFFD rather than failing.
    struct Tables: Sendable {
        let jis0208: Table, jis0212: Table, gb18030: Table, big5: Table, eucKR: Table
        /// (pointer, code point) where each run of consecutive four-byte GB18030 codes starts.
        let gb18030Ranges: [(pointer: Int, code: UInt32)]

        static let shared = Tables()

        private init() {
            jis0208 = Table(values: Self.load("jis0208", width: 2))
            jis0212 = Table(values: Self.load("jis0212", width: 2))
            gb18030 = Table(values: Self.load("gb18030", width: 2))
            big5 = Table(values: Self.load("big5", width: 4))
            eucKR = Table(values: Self.load("euc-kr", width: 2))
            let pairs = Self.load("gb18030-ranges", width: 4)
            gb18030Ranges = stride(from: 0, to: pairs.count - 1, by: 2).map { (Int(pairs[$0]), pairs[$0 + 1]) }
        }

        /// GB18030's four-byte codes: the BMP by ranges, the other planes by arithmetic.
        func gb18030Range(_ pointer: Int) -> UInt32? {
            if (189_000...1_237_575).contains(pointer) { return 0x10000 + UInt32(pointer - 189_000) }
            guard pointer <= 39419 else { return nil }
            var low = 0, high = gb18030Ranges.count   // the last range starting at or before pointer
            while low < high {
                let middle = (low + high) / 2
                if gb18030Ranges[middle].pointer <= pointer { low = middle + 1 } else { high = middle }
            }
            guard low > 0, gb18030Ranges[low - 1].code != 0 else { return nil }
            let range = gb18030Ranges[low - 1]
            return range.code + UInt32(pointer - range.pointer)
        }

        private static func load(_ name: String, width: Int) -> [UInt32] {
            guard let url = Bundle.module.url(forResource: name, withExtension: "bin", subdirectory: "CharsetData"),
                  let data = try? Data(contentsOf: url) else { return [] }
            let bytes = [UInt8](data)
            return stride(from: 0, to: bytes.count - width + 1, by: width).map { offset in
                var value: UInt32 = 0
                for shift in 0..<width { value |= UInt32(bytes[offset + shift]) << (8 * shift) }
                return value
            }
        }
    }
}
