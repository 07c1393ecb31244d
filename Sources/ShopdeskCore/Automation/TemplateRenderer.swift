import Foundation

/// Walks parsed template nodes with a scope of variables. Collects a warning for every variable
/// printed without a value and without a fallback.
struct TemplateRenderer {
    let environment: TemplateEnvironment
    private(set) var warnings: [String] = []

    init(environment: TemplateEnvironment) {
        self.environment = environment
    }

    mutating func render(_ nodes: [TemplateNode], scope: inout [String: TemplateValue]) -> String {
        var output = ""
        for node in nodes {
            switch node {
            case .text(let text):
                output += text
            case .output(let expression):
                output += written(expression, scope: scope)
            case let .conditional(condition, negated, then, otherwise):
                let holds = test(condition, scope: scope) != negated
                output += render(holds ? then : otherwise, scope: &scope)
            case let .loop(variable, over, body):
                let saved = scope[variable]
                guard case .list(let items) = lookup(over.path, scope: scope) else {
                    warn(over.name)
                    continue
                }
                for item in items {
                    scope[variable] = item
                    output += render(body, scope: &scope)
                }
                scope[variable] = saved
            }
        }
        return output
    }

    private func lookup(_ path: [String], scope: [String: TemplateValue]) -> TemplateValue {
        var value = scope[path[0]] ?? .null
        for name in path.dropFirst() { value = value.member(name) }
        return value
    }

    private func test(_ condition: TemplateCondition, scope: [String: TemplateValue]) -> Bool {
        let value = apply(condition.expression.filters, to: lookup(condition.expression.path, scope: scope))
        guard let (equal, literal) = condition.comparison else { return !value.isBlank }
        let text = environment.format(value)
        return (text.caseInsensitiveCompare(literal) == .orderedSame) == equal
    }

    /// An output tag's text: its value filtered and formatted, or blank with a warning.
    private mutating func written(_ expression: TemplateExpression, scope: [String: TemplateValue]) -> String {
        let value = apply(expression.filters, to: lookup(expression.path, scope: scope))
        if value.isMissing {
            warn(expression.name)
            return ""
        }
        return formatted(value, filters: expression.filters)
    }

    private mutating func warn(_ name: String) {
        let warning = "No value for \(name)"
        if !warnings.contains(warning) { warnings.append(warning) }
    }

    /// Filters that change the value (fallbacks, case); the ones that only change how it is
    /// written (date styles, money) are applied by `formatted`.
    private func apply(_ filters: [TemplateFilter], to value: TemplateValue) -> TemplateValue {
        var value = value
        for filter in filters {
            switch filter.name {
            case .default, .fallback:
                if value.isBlank { value = .string(filter.argument ?? "") }
            case .upcase: if case .string(let text) = value { value = .string(text.uppercased(with: environment.locale)) }
            case .downcase: if case .string(let text) = value { value = .string(text.lowercased(with: environment.locale)) }
            case .capitalize:
                if case .string(let text) = value, let first = text.first {
                    value = .string(String(first).uppercased(with: environment.locale) + text.dropFirst())
                }
            case .truncate:
                if case .string(let text) = value, let limit = filter.argument.flatMap(Int.init), text.count > limit {
                    value = .string(String(text.prefix(max(0, limit - 1))) + "…")
                }
            case .money:
                if case .number(let amount) = value, let currency = filter.argument, currency.count == 3 {
                    let minor = NSDecimalNumber(decimal: amount * pow(10, Money.minorDigits(currency))).int64Value
                    value = .money(minor: minor, currency: currency)
                }
            case .date:
                break
            }
        }
        return value
    }

    private func formatted(_ value: TemplateValue, filters: [TemplateFilter]) -> String {
        if case .date(let date) = value, let style = filters.last(where: { $0.name == .date }) {
            return environment.formatDate(date, style: style.argument ?? "date")
        }
        return environment.format(value)
    }
}
