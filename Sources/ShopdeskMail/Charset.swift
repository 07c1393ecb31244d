import Foundation

/// Turns the bytes of a text part or header into a String, whatever charset the sender's mail
/// program used: Unicode, the single-byte charsets of Europe, and the multi-byte ones of Japan,
/// China, Taiwan, Hong Kong and Korea (`EastAsianCharsets`). Unknown charsets and bytes that do not fit are decoded with best effort
/// (UTF-8 when the bytes are valid UTF-8, else Windows-1252), never dropped.
public enum Charset {
    /// The canonical name for a label mail programs write ("latin2", "cp1251", "KOI8-R", …).
    public static func canonical(_ label: String) -> String {
        let name = label.trimmingCharacters(in: CharacterSet(charactersIn: " \t\"'")).lowercased()
            .replacingOccurrences(of: "_", with: "-")
        switch name {
        case "utf8", "utf-8", "unicode-1-1-utf-8": return "utf-8"
        case "us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "": return "us-ascii"
        case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "iso-ir-100", "cp819", "8859-1": return "iso-8859-1"
        case "iso-8859-2", "iso8859-2", "latin2", "latin-2", "l2", "iso-ir-101": return "iso-8859-2"
        case "iso-8859-5", "iso8859-5", "cyrillic", "iso-ir-144": return "iso-8859-5"
        case "iso-8859-15", "iso8859-15", "latin9", "latin-9", "l9": return "iso-8859-15"
        case "windows-1250", "cp1250", "x-cp1250", "win-1250": return "windows-1250"
        case "windows-1251", "cp1251", "x-cp1251", "win-1251": return "windows-1251"
        case "windows-1252", "cp1252", "x-cp1252", "win-1252": return "windows-1252"
        case "koi8-r", "koi8r", "koi8", "cskoi8r": return "koi8-r"
        case "koi8-u", "koi8u": return "koi8-u"
        default: return name
        }
    }

    /// Whether `decode` knows the charset rather than guessing.
    public static func isKnown(_ label: String) -> Bool {
        let name = canonical(label)
        return ["utf-8", "us-ascii", "iso-8859-1"].contains(name) || CharsetTables.upperHalves[name] != nil
            || EastAsianCharsets.kind(name) != nil
    }

    public static func decode<Bytes: Collection>(_ bytes: Bytes, charset label: String?) -> String where Bytes.Element == UInt8 {
        let name = canonical(label ?? "us-ascii")
        switch name {
        case "utf-8", "us-ascii":
            // Mislabelled mail is common: ASCII that is not, UTF-8 that is Windows-1252.
            if let text = String(validating: bytes, as: UTF8.self) { return text }
            return singleByte(bytes, table: CharsetTables.upperHalves["windows-1252"])
        case "iso-8859-1":
            // As mail programs and the WHATWG encoding standard read it: Windows-1252, whose
            // 0x80–0x9F are € ‚ „ … “ ” – — rather than control characters nobody sends.
            return singleByte(bytes, table: CharsetTables.upperHalves["windows-1252"])
        default:
            if let table = CharsetTables.upperHalves[name] { return singleByte(bytes, table: table) }
            if let kind = EastAsianCharsets.kind(name) {
                let input = Array(bytes)
                // ISO-2022 text is 7-bit: 8-bit bytes under that label are mislabelled, usually UTF-8.
                if kind == .iso2022JP || kind == .iso2022KR, input.contains(where: { $0 >= 0x80 }),
                   let text = String(validating: input, as: UTF8.self) {
                    return text
                }
                return EastAsianCharsets.decode(input, as: kind)
            }
            if let text = String(validating: bytes, as: UTF8.self) { return text }
            return singleByte(bytes, table: CharsetTables.upperHalves["windows-1252"])
        }
    }

    /// A byte below 0x80 is ASCII; above, the table's scalar (no table: the byte's own code
    /// point).
    private static func singleByte<Bytes: Collection>(_ bytes: Bytes, table: [UInt16]?) -> String where Bytes.Element == UInt8 {
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(bytes.count)
        for byte in bytes {
            if byte < 0x80 || table == nil {
                scalars.append(Unicode.Scalar(byte))
            } else if let scalar = Unicode.Scalar(table![Int(byte) - 0x80]) {
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }
}
