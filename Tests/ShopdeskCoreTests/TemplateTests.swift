import Foundation
import Testing
@testable import ShopdeskCore

@Suite("Macro templates")
struct TemplateTests {
    let english = TemplateEnvironment(localeIdentifier: "en_US", timeZoneIdentifier: "America/New_York")
    let context: [String: TemplateValue] = [
        "customer": .object(["first_name": .string("Ana"), "name": .string("Ana Souza"), "email": .null]),
        "agent": .object(["first_name": .string("Ivo")]),
        "orders": .list([
            .object(["number": .string("#1001"), "total": .money(minor: 4_990, currency: "EUR")]),
            .object([
                "number": .string("#1002"), "status": .string("fulfilled"),
                "total": .money(minor: 129_900, currency: "BRL"),
                "placed_at": .date(Date(timeIntervalSince1970: 1_798_761_600)), // 2027-01-01 00:00 UTC
                "line_items": .list([
                    .object(["title": .string("Linen shirt"), "quantity": .number(2)]),
                    .object(["title": .string("Belt"), "quantity": .number(1)]),
                ]),
            ]),
        ]),
    ]

    func render(_ source: String, _ environment: TemplateEnvironment? = nil) throws -> RenderedTemplate {
        try Template(source).render(context, environment: environment ?? english)
    }

    @Test func variablesAndFallbacks() throws {
        let result = try render("Hi {{customer.first_name}}, I'm {{ agent.first_name }}. Mail: {{customer.email | default: \"none given\"}}")
        #expect(result.text == "Hi Ana, I'm Ivo. Mail: none given")
        #expect(result.warnings.isEmpty)
    }

    @Test("a missing value renders blank and warns once, never as a placeholder")
    func missingValueWarns() throws {
        let result = try render("Dear {{customer.last_name}} {{customer.last_name}}!")
        #expect(result.text == "Dear  !")
        #expect(result.warnings == ["No value for customer.last_name"])
    }

    @Test func loopsOverTheLastOrdersItems() throws {
        let result = try render("{{#each item in orders.last.line_items}}- {{item.quantity}} × {{item.title}}\n{{/each}}")
        #expect(result.text == "- 2 × Linen shirt\n- 1 × Belt\n")
    }

    @Test func conditionalsWithComparisonsAndElse() throws {
        let shipped = "{{#if orders.last.status == \"fulfilled\"}}on its way{{else}}being packed{{/if}}"
        #expect(try render(shipped).text == "on its way")
        #expect(try render("{{#unless customer.email}}no mail{{/unless}}").text == "no mail")
        #expect(try render("{{#if customer.email}}mail{{else}}none{{/if}}").text == "none")
        #expect(try render("{{#if orders.last.status != \"fulfilled\"}}x{{/if}}").text == "")
    }

    @Test("money in the reader's locale with the currency's own minor units")
    func money() throws {
        #expect(try render("{{orders.last.total}}").text.contains("1,299.00"))
        let brazil = TemplateEnvironment(localeIdentifier: "pt_BR", timeZoneIdentifier: "America/Sao_Paulo")
        let text = try render("{{orders.last.total}}", brazil).text
        #expect(text.contains("1.299,00"))
        #expect(text.contains("R$"))
        let yen = try Template("{{orders.last.total}}").render(
            ["orders": .list([.object(["total": .money(minor: 1500, currency: "JPY")])])], environment: english)
        #expect(yen.text.contains("1,500"))
        #expect(!yen.text.contains("15.00"))
    }

    @Test("dates in the customer's time zone: midnight UTC is still New Year's Eve in New York")
    func datesInTimeZone() throws {
        #expect(try render("{{orders.last.placed_at | date: \"long\"}}").text == "December 31, 2026")
        let zagreb = TemplateEnvironment(localeIdentifier: "hr_HR", timeZoneIdentifier: "Europe/Zagreb")
        #expect(try render("{{orders.last.placed_at | date: \"long\"}}", zagreb).text.contains("2027"))
    }

    @Test func textFilters() throws {
        #expect(try render("{{customer.name | upcase}}").text == "ANA SOUZA")
        #expect(try render("{{customer.name | truncate: 5}}").text == "Ana …")
        #expect(try render("{{orders.size}} orders, first {{orders.first.number}}").text == "2 orders, first #1001")
    }

    @Test("mistakes are refused with the line to look at", arguments: [
        ("Hi {{customer.first_name", 1, "never closed"),
        ("Hi\n{{custmer.name}}", 2, "Unknown variable `custmer.name`"),
        ("{{customer.name | shout}}", 1, "Unknown filter `shout`"),
        ("{{#if customer.name}}x", 1, "never closed"),
        ("a\nb\n{{/each}}", 3, "closes a block that is not open"),
        ("{{#each orders}}{{/each}}", 1, "Write loops as"),
        ("{{item.title}}", 1, "Unknown variable"),
    ])
    func parseErrors(source: String, line: Int, message: String) {
        #expect {
            _ = try Template(source)
        } throws: { error in
            guard let error = error as? TemplateError else { return false }
            return error.line == line && error.message.contains(message)
        }
    }

    @Test func loopVariableIsOnlyKnownInsideItsLoop() throws {
        #expect(throws: TemplateError.self) { try Template("{{#each item in orders}}{{/each}}{{item.title}}") }
    }
}
