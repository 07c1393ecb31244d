import Foundation

/// Reads a shipping address a customer typed in a chat: parts split by commas or lines, the
/// street first, a part with the postal code and the city, and the country last (a name in one
/// of our languages or a two-letter code) or, when left out, the order's country. The bot shows
/// what it read and acts only after the customer says yes. Linear in the text, at most 300
/// characters read.
public enum BotAddress {
    public static func parse(_ text: String, defaultCountry: String?) -> PostalAddress? {
        var parts = String(text.prefix(300)).split(whereSeparator: { $0 == "," || $0 == "\n" || $0 == ";" })
            .map { $0.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "."))) }
            .filter { !$0.isEmpty }
        guard parts.count >= 2 else { return nil }
        var country = defaultCountry?.uppercased()
        if let last = parts.last, let code = countryCode(last) {
            country = code
            parts.removeLast()
        }
        guard let country, parts.count >= 2 else { return nil }
        // The part with the postal code: the last one holding a token with digits.
        guard let zipIndex = parts.indices.last(where: { index in index > 0 && zipToken(in: parts[index]) != nil }),
              let zip = zipToken(in: parts[zipIndex]) else { return nil }
        var city = parts[zipIndex].replacingOccurrences(of: zip, with: "").trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "-")))
        var middle = Array(parts[1..<zipIndex])
        if city.isEmpty {
            // "…, 1100-053, Lisboa": the city is the part after the code.
            guard zipIndex + 1 < parts.count else { return nil }
            city = parts[zipIndex + 1]
        } else if zipIndex + 1 < parts.count {
            middle += parts[(zipIndex + 1)...]
        }
        guard parts[0].contains(where: \.isLetter), city.contains(where: \.isLetter) else { return nil }
        return PostalAddress(address1: parts[0], address2: middle.isEmpty ? nil : middle.joined(separator: ", "), city: city, zip: zip, countryCode: country)
    }

    /// A postal code: "1100-053", "10000", "101000", "HR-10000" (4 to 8 digits, hyphens and
    /// capitals). Codes with a space inside ("SW1A 1AA") are not read; the customer is asked again.
    static func zipToken(in part: String) -> String? {
        part.split(separator: " ").map(String.init).first { token in
            let digits = token.filter(\.isNumber).count
            return digits >= 4 && digits <= 8 && token.count <= 10 && token.allSatisfy { $0.isNumber || $0 == "-" || ($0.isASCII && $0.isUppercase) }
        }
    }

    /// Country names in our four languages (and English), folded, to ISO codes.
    static let countries: [String: String] = {
        let names: [String: [String]] = [
            "PT": ["portugal"], "BR": ["brasil", "brazil", "бразилия"], "HR": ["croatia", "hrvatska", "croacia", "хорватия"],
            "RU": ["russia", "rusija", "russia federation", "россия", "рф"], "BA": ["bosnia", "bosna i hercegovina", "bih", "bosnia and herzegovina"],
            "RS": ["serbia", "srbija", "сербия", "србија"], "SI": ["slovenia", "slovenija", "eslovenia"],
            "ES": ["spain", "espanha", "espana", "spanjolska", "испания"], "DE": ["germany", "deutschland", "alemanha", "njemacka", "германия"],
            "FR": ["france", "franca", "francuska", "франция"], "IT": ["italy", "italia", "italija", "италия"],
            "AT": ["austria", "osterreich", "austrija", "австрия"], "GB": ["united kingdom", "uk", "great britain", "reino unido", "velika britanija"],
            "US": ["united states", "usa", "estados unidos", "eua", "сша", "sad"], "NL": ["netherlands", "holanda", "nizozemska", "нидерланды"],
            "BE": ["belgium", "belgica", "belgija"], "PL": ["poland", "polonia", "poljska", "польша"], "HU": ["hungary", "hungria", "madarska"],
            "KZ": ["kazakhstan", "казахстан"], "BY": ["belarus", "беларусь"], "UA": ["ukraine", "украина", "ukrajina", "ucrania"],
            "AO": ["angola"], "MZ": ["mozambique", "mocambique"], "ME": ["montenegro", "crna gora"], "MK": ["north macedonia", "sjeverna makedonija"],
        ]
        var table: [String: String] = [:]
        for (code, list) in names { for name in list { table[SearchText.fold(name)] = code } }
        return table
    }()

    static func countryCode(_ part: String) -> String? {
        if part.count == 2, part.allSatisfy({ $0.isASCII && $0.isLetter }) { return part.uppercased() }
        return countries[SearchText.fold(part)]
    }
}
