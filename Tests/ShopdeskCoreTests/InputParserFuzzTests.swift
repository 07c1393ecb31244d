import Foundation
@testable import ShopdeskCore
import ShopdeskTestSupport
import Testing

/// Every parser of user input in ShopdeskCore under the guard: random and hostile input never
/// crashes it, and its work grows linearly with the input (see `ParserProbe`).
@Suite("Input parsers: fuzzed and linear")
struct InputParserFuzzTests {
    static let environment = TemplateEnvironment(localeIdentifier: "en_US", timeZoneIdentifier: "UTC")
    static let context: [String: TemplateValue] = [
        "customer": .object(["first_name": .string("Ana"), "tags": .list([.string("vip")])]),
        "orders": .list([.object(["number": .string("#1"), "total": .money(minor: 100, currency: "EUR")])]),
    ]

    @Test func formBodiesAndQueryStrings() {
        for input in ParserProbe.inputs(count: 3_000, alphabet: ["%", "%2", "%G", "%E2%82", "%AC", "+", "=", "&", "a", "%%", "=="]) {
            let fields = FormURLEncoding.fields(input)
            #expect(fields.keys.allSatisfy { !$0.isEmpty })
        }
        #expect(FormURLEncoding.fields("number=100%&email=a%40b.hr&x=%zz&y=%E2%82%AC+1")
                == ["number": "100%", "email": "a@b.hr", "x": "%zz", "y": "€ 1"])
        for shape in ["%", "a=%", "&=&", "%E2%82"] {
            let growth = ParserProbe.growth(make: { String(repeating: shape, count: $0 / shape.count) }, parse: { _ = FormURLEncoding.pairs($0) })
            #expect(growth < ParserProbe.linearBound, "\(shape): ×\(Int(growth))")
        }
    }

    @Test func markdown() {
        for input in ParserProbe.inputs(count: 1_500, alphabet: [">", "> ", "*", "**", "_", "`", "```", "[", "](", ")", "![", "#", "- ", "1. ", "\n", "\n\n", "\\", "http://x"]) {
            let html = Markdown.html(input)
            #expect(!html.contains("<script"))
            _ = Markdown.plainText(input)
        }
        // The shapes that were quadratic or worse: nested quotes, unclosed emphasis and links,
        // nested emphasis, long lines of brackets.
        let shapes: [(String, (Int) -> String)] = [
            ("nested quotes", { n in
                // One more level per line, as many lines as fit in n characters.
                var text = "", level = 1
                while text.count + level + 3 <= n { text += String(repeating: ">", count: level) + " x\n"; level += 1 }
                return text
            }),
            ("quote depth", { n in String(repeating: ">", count: n) + " deep" }),
            ("unclosed stars", { n in String(repeating: "* ", count: n / 2) }),
            ("unclosed links", { n in String(repeating: "[a", count: n / 2) }),
            ("link openers", { n in String(repeating: "[a](", count: n / 4) }),
            ("nested emphasis", { n in String(repeating: "*_", count: n / 4) + "x" + String(repeating: "_*", count: n / 4) }),
            ("backticks", { n in String(repeating: "`a", count: n / 2) }),
        ]
        for (name, make) in shapes {
            let growth = ParserProbe.growth(small: 1_000, large: 100_000, make: make, parse: { _ = Markdown.html($0); _ = Markdown.plainText($0) })
            #expect(growth < ParserProbe.linearBound, "\(name): ×\(Int(growth))")
        }
    }

    @Test func macroTemplates() {
        for input in ParserProbe.inputs(count: 2_000, alphabet: ["{{", "}}", "{{#if ", "{{/if}}", "{{else}}", "{{#each item in ", "{{/each}}", "|", " default: ", "\"", "customer.first_name", "orders", "item.number"]) {
            if let template = try? Template(input) { _ = template.render(Self.context, environment: Self.environment) }
        }
        #expect(throws: TemplateError.self) { try Template(String(repeating: "{{#if customer.first_name}}", count: 10_000)) }
        let shapes: [(String, (Int) -> String)] = [
            ("open braces", { n in String(repeating: "{{", count: n / 2) }),
            ("nested ifs", { n in String(repeating: "{{#if customer.first_name}}", count: n / 28) + String(repeating: "{{/if}}", count: n / 28) }),
            ("variables", { n in String(repeating: "{{customer.first_name}} ", count: n / 24) }),
        ]
        for (name, make) in shapes {
            let growth = ParserProbe.growth(small: 1_000, large: 100_000, make: make) { source in
                if let template = try? Template(source) { _ = template.render(Self.context, environment: Self.environment) }
            }
            #expect(growth < ParserProbe.linearBound, "\(name): ×\(Int(growth))")
        }
    }

    @Test func csvFiles() {
        for input in ParserProbe.inputs(count: 2_000, alphabet: [",", "\"", "\"\"", "\n", "\r\n", "a", "\u{FEFF}"]) {
            _ = try? CSVTable.parse(input)
        }
        for (name, shape) in [("quotes", "\"\"\"a,"), ("commas", ",,,\n"), ("open quote", "\"a\na")] {
            let growth = ParserProbe.growth(make: { String(repeating: shape, count: $0 / shape.count) }, parse: { _ = try? CSVTable.parse($0) })
            #expect(growth < ParserProbe.linearBound, "\(name): ×\(Int(growth))")
        }
    }
}
