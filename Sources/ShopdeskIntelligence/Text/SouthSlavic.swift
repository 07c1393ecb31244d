/// Serbian, Bosnian and Croatian are one language to a character-n-gram model on a short
/// message; what tells them apart are a few letters and dialect words. After the model has
/// said "one of these" (or Russian/Ukrainian for Cyrillic), these markers decide:
/// - Cyrillic with ђ ћ џ љ њ ј, or with Serbian words ("да ли", "шта", "хвала"…) → Serbian;
/// - ekavian forms (gde, uvek, ovde, promeni, porudžbina…) and no ijekavian ones → Serbian;
/// - Bosniak words (selam, hiljada, sedmica, historija…) → Bosnian;
/// - ijekavian forms (gdje, uvijek, promijeni…) with "šta" or "da li" → Bosnian;
/// - "da li"/"šta" without any ijekavian form → Serbian;
/// - Croatian words (što, tjedan, kruh, narudžba…) without ekavian forms → Croatian.
/// Anything else keeps the model's answer (Croatian, in practice).
public enum SouthSlavic {
    static let serbianCyrillicLetters: Set<Character> = ["ђ", "ћ", "џ", "љ", "њ", "ј", "Ђ", "Ћ", "Џ", "Љ", "Њ", "Ј"]
    static let eastSlavicLetters: Set<Character> = ["ы", "э", "ъ", "ё", "і", "ї", "є", "ґ", "Ы", "Э", "Ъ", "Ё", "І", "Ї", "Є", "Ґ"]
    static let serbianCyrillicWords: Set<String> = ["да ли", "ако", "шта", "хвала", "здраво", "молим", "поруџбина", "поруџбину", "производ", "вратим", "је"]
    static let ekavian = ["gde", "uvek", "ovde", "posle", "pre", "lepo", "vreme", "dete", "mleko", "reka", "deo", "promen", "porudžbin", "porudzbin",
                          "isporuk", "nedelj", "hleb", "želeo", "zeleo", "hteo", "video"]
    static let ijekavian = ["gdje", "uvijek", "ovdje", "poslije", "prije", "lijep", "vrijeme", "dijete", "mlijek", "rijek", "dio", "promijen",
                            "unaprijed", "hljeb", "htio", "vidio", "želio", "zelio"]
    static let bosniak = ["selam", "merhaba", "hiljad", "sedmic", "historij", "kahv", "lahko", "hudn", "sabah", "akšam", "aksam", "džaba", "dzaba"]
    static let croatian = ["što", "tjed", "kruh", "vlak", "tisuć", "tisuc", "povijest", "obitelj", "glazb", "trebam", "narudžb", "narudzb"]

    /// The refined language for `text`, given what the model said.
    public static func refine(_ label: String?, text: String) -> String? {
        let lower = text.lowercased()
        let isCyrillic = lower.unicodeScalars.contains { (0x0400...0x04FF).contains($0.value) }
        if isCyrillic {
            guard label == "sr" || label == "ru" || label == "uk" || label == nil else { return label }
            if lower.contains(where: { eastSlavicLetters.contains($0) }) { return label }
            if lower.contains(where: { serbianCyrillicLetters.contains($0) }) { return "sr" }
            let words = Set(words(lower))
            if serbianCyrillicWords.contains(where: { $0.contains(" ") ? contains(lower, $0) : words.contains($0) }) { return "sr" }
            return label
        }
        guard label == "hr" || label == "sr" || label == "bs" else { return label }
        let words = words(lower)
        let has = { (stems: [String]) in words.contains { word in stems.contains { stem in stem.count <= 3 ? word == stem : word.hasPrefix(stem) } } }
        let ekavianForms = has(ekavian)
        let ijekavianForms = has(ijekavian)
        let serbianSyntax = contains(lower, "da li") || words.contains("šta") || words.contains("sta")
        if ekavianForms && !ijekavianForms { return "sr" }
        if has(bosniak) { return "bs" }
        if ijekavianForms && serbianSyntax && !has(croatian) { return "bs" }
        if serbianSyntax && !ijekavianForms && !has(croatian) { return "sr" }
        if has(croatian) && !ekavianForms { return "hr" }
        return label
    }

    /// Whether `needle` occurs in `text`, compared as UTF-8 bytes. `String.contains` with a
    /// string argument is Foundation's, a CoreFoundation search per call (1 % of an ingest).
    static func contains(_ text: String, _ needle: String) -> Bool {
        let haystack = Array(text.utf8)
        let pattern = Array(needle.utf8)
        guard let first = pattern.first else { return true }
        guard haystack.count >= pattern.count else { return false }
        for start in 0...(haystack.count - pattern.count) where haystack[start] == first {
            if haystack[start..<start + pattern.count].elementsEqual(pattern) { return true }
        }
        return false
    }

    static func words(_ text: String) -> [String] {
        text.split { !$0.isLetter }.map(String.init)
    }
}
