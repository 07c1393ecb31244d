import Foundation

/// A reply template with variables, conditionals, loops and filters:
///
///     Hi {{customer.first_name | default: "there"}},
///     {{#if orders.last}}your order {{orders.last.number}} ships {{orders.last.ship_date | date: "long"}}.{{else}}…{{/if}}
///     {{#each item in orders.last.line_items}}- {{item.quantity}} × {{item.title}}
///     {{/each}}
///
/// Parsed once when a macro is saved (so mistakes are refused with their line), rendered for a
/// conversation with `render`. A missing value never prints as garbage: it takes its `default`
/// or becomes blank, and the result lists a warning the preview shows.
public struct Template: Sendable, Equatable {
    public let source: String
    let nodes: [TemplateNode]

    /// The variables a template may start with; loop variables are added inside `#each`.
    public static let roots: Set<String> = ["customer", "conversation", "agent", "workspace", "orders", "returns"]

    public init(_ source: String) throws(TemplateError) {
        self.source = source
        var parser = TemplateParser(source: source, roots: Self.roots)
        nodes = try parser.parseAll()
    }

    /// Renders with `context` (keyed by root name). Missing values are reported, not printed.
    public func render(_ context: [String: TemplateValue], environment: TemplateEnvironment) -> RenderedTemplate {
        var renderer = TemplateRenderer(environment: environment)
        var scope = context
        let text = renderer.render(nodes, scope: &scope)
        return RenderedTemplate(text: text, warnings: renderer.warnings)
    }
}

public struct RenderedTemplate: Sendable, Equatable {
    public var text: String
    /// "No value for customer.first_name", once per variable, in order of appearance.
    public var warnings: [String]
}

/// A template that cannot be parsed, with the line to look at.
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public let line: Int
    public var description: String { "Line \(line): \(message)" }
}

indirect enum TemplateNode: Sendable, Equatable {
    case text(String)
    case output(TemplateExpression)
    case conditional(TemplateCondition, negated: Bool, then: [TemplateNode], otherwise: [TemplateNode])
    case loop(variable: String, over: TemplateExpression, body: [TemplateNode])
}

struct TemplateExpression: Sendable, Equatable {
    var path: [String]
    var filters: [TemplateFilter]
    var name: String { path.joined(separator: ".") }
}

struct TemplateFilter: Sendable, Equatable {
    enum Name: String, Sendable, CaseIterable {
        case `default`, fallback, date, money, upcase, downcase, capitalize, truncate
    }
    var name: Name
    var argument: String?
}

struct TemplateCondition: Sendable, Equatable {
    var expression: TemplateExpression
    /// `==` / `!=` against a literal; nil tests "has a value".
    var comparison: (equal: Bool, literal: String)?

    static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.expression == rhs.expression && lhs.comparison?.equal == rhs.comparison?.equal
            && lhs.comparison?.literal == rhs.comparison?.literal
    }
}
