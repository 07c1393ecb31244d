import Foundation

/// A proactive message the chat widget shows to visitors who match: who sees it (targeting), what
/// they see (one or more variants, split by weight for an A/B test), how often, and whether only
/// while the team is in. The widget evaluates the targeting itself from one cached document, so a
/// shop's page never waits on Shopdesk to decide.
public struct CampaignDefinition: Codable, Equatable, Sendable {
    public var targeting: CampaignTargeting
    public var variants: [CampaignVariant]
    /// At most this many displays per visitor (0: no limit), at least `hoursBetween` apart.
    public var maxShows: Int
    public var hoursBetween: Int
    /// `any`, `open` (only within business hours) or `closed` (only outside them).
    public var hours: String
    /// Orders placed within this many days after a display are credited to it.
    public var attributionDays: Int

    public init(targeting: CampaignTargeting = CampaignTargeting(), variants: [CampaignVariant], maxShows: Int = 1, hoursBetween: Int = 24,
                hours: String = "any", attributionDays: Int = 7) {
        self.targeting = targeting; self.variants = variants; self.maxShows = maxShows; self.hoursBetween = hoursBetween
        self.hours = hours; self.attributionDays = attributionDays
    }

    enum CodingKeys: String, CodingKey {
        case targeting, variants, hours
        case maxShows = "max_shows"
        case hoursBetween = "hours_between"
        case attributionDays = "attribution_days"
    }

    /// Only the variants are required; the rest has the defaults of `init`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        variants = try c.decode([CampaignVariant].self, forKey: .variants)
        targeting = try c.decodeIfPresent(CampaignTargeting.self, forKey: .targeting) ?? CampaignTargeting()
        maxShows = try c.decodeIfPresent(Int.self, forKey: .maxShows) ?? 1
        hoursBetween = try c.decodeIfPresent(Int.self, forKey: .hoursBetween) ?? 24
        hours = try c.decodeIfPresent(String.self, forKey: .hours) ?? "any"
        attributionDays = try c.decodeIfPresent(Int.self, forKey: .attributionDays) ?? 7
    }

    /// Checks what an admin wrote; the sentence says what to change.
    public func validated() throws -> CampaignDefinition {
        guard (1...4).contains(variants.count) else { throw CampaignError("A campaign has one to four variants.") }
        guard Set(variants.map(\.key)).count == variants.count else { throw CampaignError("Each variant needs its own letter.") }
        guard variants.allSatisfy({ (0...100).contains($0.weight) }), variants.map(\.weight).reduce(0, +) == 100 else {
            throw CampaignError("The variants' shares add up to 100 %.")
        }
        for variant in variants { try variant.validate() }
        try targeting.validate()
        guard ["any", "open", "closed"].contains(hours) else { throw CampaignError("hours is any, open or closed.") }
        guard (0...100).contains(maxShows), (0...720).contains(hoursBetween), (1...90).contains(attributionDays) else {
            throw CampaignError("Shows per visitor are 0 to 100, hours between them 0 to 720, the attribution window 1 to 90 days.")
        }
        return self
    }
}

/// Who sees a campaign. Every condition that is set must hold.
public struct CampaignTargeting: Codable, Equatable, Sendable {
    /// Page addresses where it may show, `*` matching anything ("*/products/*"); empty: every page.
    public var urlIncludes: [String]
    public var urlExcludes: [String]
    public var secondsOnPage: Int?
    /// Pages seen on the site in this visit, this one included, at least.
    public var pagesViewed: Int?
    /// true: only visitors who came before; false: only first visits; nil: both.
    public var returning: Bool?
    /// `utm_source` values of the visit (lower case); empty: any.
    public var utmSources: [String]
    /// Two-letter browser languages; empty: any.
    public var languages: [String]
    /// The cart's value in minor units of the shop's currency, at least / at most.
    public var cartMinMinor: Int64?
    public var cartMaxMinor: Int64?
    public var cartItemsMin: Int?
    /// The cart holds a product whose title contains one of these (any case).
    public var cartContains: [String]
    /// Only when the pointer leaves the page towards the browser's bar (desktop).
    public var exitIntent: Bool
    /// Scrolled at least this far down the page (percent).
    public var scrollPercent: Int?
    /// `desktop`, `mobile` or nil for both.
    public var device: String?

    public init(urlIncludes: [String] = [], urlExcludes: [String] = [], secondsOnPage: Int? = nil, pagesViewed: Int? = nil, returning: Bool? = nil,
                utmSources: [String] = [], languages: [String] = [], cartMinMinor: Int64? = nil, cartMaxMinor: Int64? = nil, cartItemsMin: Int? = nil,
                cartContains: [String] = [], exitIntent: Bool = false, scrollPercent: Int? = nil, device: String? = nil) {
        self.urlIncludes = urlIncludes; self.urlExcludes = urlExcludes; self.secondsOnPage = secondsOnPage; self.pagesViewed = pagesViewed
        self.returning = returning; self.utmSources = utmSources; self.languages = languages; self.cartMinMinor = cartMinMinor
        self.cartMaxMinor = cartMaxMinor; self.cartItemsMin = cartItemsMin; self.cartContains = cartContains; self.exitIntent = exitIntent
        self.scrollPercent = scrollPercent; self.device = device
    }

    enum CodingKeys: String, CodingKey {
        case returning, languages, device
        case urlIncludes = "url_includes", urlExcludes = "url_excludes", secondsOnPage = "seconds_on_page", pagesViewed = "pages_viewed"
        case utmSources = "utm_sources", cartMinMinor = "cart_min_minor", cartMaxMinor = "cart_max_minor", cartItemsMin = "cart_items_min"
        case cartContains = "cart_contains", exitIntent = "exit_intent", scrollPercent = "scroll_percent"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        urlIncludes = try c.decodeIfPresent([String].self, forKey: .urlIncludes) ?? []
        urlExcludes = try c.decodeIfPresent([String].self, forKey: .urlExcludes) ?? []
        secondsOnPage = try c.decodeIfPresent(Int.self, forKey: .secondsOnPage)
        pagesViewed = try c.decodeIfPresent(Int.self, forKey: .pagesViewed)
        returning = try c.decodeIfPresent(Bool.self, forKey: .returning)
        utmSources = try c.decodeIfPresent([String].self, forKey: .utmSources) ?? []
        languages = try c.decodeIfPresent([String].self, forKey: .languages) ?? []
        cartMinMinor = try c.decodeIfPresent(Int64.self, forKey: .cartMinMinor)
        cartMaxMinor = try c.decodeIfPresent(Int64.self, forKey: .cartMaxMinor)
        cartItemsMin = try c.decodeIfPresent(Int.self, forKey: .cartItemsMin)
        cartContains = try c.decodeIfPresent([String].self, forKey: .cartContains) ?? []
        exitIntent = try c.decodeIfPresent(Bool.self, forKey: .exitIntent) ?? false
        scrollPercent = try c.decodeIfPresent(Int.self, forKey: .scrollPercent)
        device = try c.decodeIfPresent(String.self, forKey: .device)
    }

    /// Only the conditions that are set: the widget's document stays small.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if !urlIncludes.isEmpty { try c.encode(urlIncludes, forKey: .urlIncludes) }
        if !urlExcludes.isEmpty { try c.encode(urlExcludes, forKey: .urlExcludes) }
        try c.encodeIfPresent(secondsOnPage, forKey: .secondsOnPage)
        try c.encodeIfPresent(pagesViewed, forKey: .pagesViewed)
        try c.encodeIfPresent(returning, forKey: .returning)
        if !utmSources.isEmpty { try c.encode(utmSources, forKey: .utmSources) }
        if !languages.isEmpty { try c.encode(languages, forKey: .languages) }
        try c.encodeIfPresent(cartMinMinor, forKey: .cartMinMinor)
        try c.encodeIfPresent(cartMaxMinor, forKey: .cartMaxMinor)
        try c.encodeIfPresent(cartItemsMin, forKey: .cartItemsMin)
        if !cartContains.isEmpty { try c.encode(cartContains, forKey: .cartContains) }
        if exitIntent { try c.encode(true, forKey: .exitIntent) }
        try c.encodeIfPresent(scrollPercent, forKey: .scrollPercent)
        try c.encodeIfPresent(device, forKey: .device)
    }

    func validate() throws {
        let patterns = urlIncludes + urlExcludes
        guard patterns.count <= 20, patterns.allSatisfy({ !$0.isEmpty && $0.count <= 200 }) else {
            throw CampaignError("Up to 20 page patterns of up to 200 characters.")
        }
        guard (secondsOnPage ?? 0) >= 0, (secondsOnPage ?? 0) <= 3_600, (pagesViewed ?? 1) >= 1, (pagesViewed ?? 1) <= 100,
              (scrollPercent ?? 0) >= 0, (scrollPercent ?? 0) <= 100, (cartItemsMin ?? 0) >= 0 else {
            throw CampaignError("Seconds on the page are 0 to 3,600, pages viewed 1 to 100, scrolling 0 to 100 %.")
        }
        if let low = cartMinMinor, let high = cartMaxMinor, low > high { throw CampaignError("The cart's lowest value is above its highest.") }
        guard device == nil || device == "desktop" || device == "mobile" else { throw CampaignError("device is desktop or mobile.") }
        guard languages.allSatisfy({ $0.count == 2 }), utmSources.count <= 20, cartContains.count <= 20 else {
            throw CampaignError("Languages are two-letter codes; up to 20 sources and 20 products.")
        }
    }
}

/// What one variant shows: a message, and maybe a discount code made for each visitor when it is
/// shown, a product card and a button.
public struct CampaignVariant: Codable, Equatable, Sendable {
    public struct Offer: Codable, Equatable, Sendable {
        public var percent: Int?
        public var fixedMinor: Int64?
        public var validHours: Int
        /// Codes start with this ("WELCOME" → WELCOME-7KQ2M9).
        public var prefix: String
        public init(percent: Int? = nil, fixedMinor: Int64? = nil, validHours: Int = 48, prefix: String = "HELLO") {
            self.percent = percent; self.fixedMinor = fixedMinor; self.validHours = validHours; self.prefix = prefix
        }
        enum CodingKeys: String, CodingKey { case percent, prefix; case fixedMinor = "fixed_minor", validHours = "valid_hours" }
    }
    public struct Product: Codable, Equatable, Sendable {
        public var title: String
        public var price: String?
        public var imageURL: String?
        public var url: String
        public init(title: String, price: String? = nil, imageURL: String? = nil, url: String) {
            self.title = title; self.price = price; self.imageURL = imageURL; self.url = url
        }
        enum CodingKeys: String, CodingKey { case title, price, url; case imageURL = "image_url" }
    }
    public struct Button: Codable, Equatable, Sendable {
        public var label: String
        public var url: String
        public init(label: String, url: String) { self.label = label; self.url = url }
    }

    public var key: String
    public var weight: Int
    public var message: String
    public var offer: Offer?
    public var product: Product?
    public var button: Button?

    public init(key: String, weight: Int, message: String, offer: Offer? = nil, product: Product? = nil, button: Button? = nil) {
        self.key = key; self.weight = weight; self.message = message; self.offer = offer; self.product = product; self.button = button
    }

    func validate() throws {
        guard key.count == 1, key.first?.isUppercase == true else { throw CampaignError("Variants are named by one capital letter (A, B…).") }
        let text = message.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 500 else { throw CampaignError("Variant \(key): the message is 1 to 500 characters.") }
        if let offer {
            guard (offer.percent == nil) != (offer.fixedMinor == nil), (1...100).contains(offer.percent ?? 1), (offer.fixedMinor ?? 1) > 0 else {
                throw CampaignError("Variant \(key): the offer is a percentage (1–100) or a fixed amount, not both.")
            }
            guard (1...720).contains(offer.validHours) else { throw CampaignError("Variant \(key): a code is valid 1 to 720 hours.") }
            guard (2...12).contains(offer.prefix.count), offer.prefix.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                throw CampaignError("Variant \(key): the code's prefix is 2 to 12 letters and digits.")
            }
        }
        for url in [product?.url, product?.imageURL, button?.url].compactMap({ $0 }) {
            guard url.hasPrefix("https://") || url.hasPrefix("/"), url.count <= 500 else {
                throw CampaignError("Variant \(key): links and images are https:// addresses or paths on the shop's site.")
            }
        }
        if let product, product.title.isEmpty || product.title.count > 120 { throw CampaignError("Variant \(key): the product needs a title.") }
        if let button, button.label.isEmpty || button.label.count > 40 { throw CampaignError("Variant \(key): the button's label is 1 to 40 characters.") }
    }
}

public struct CampaignError: Error, Equatable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Whether one variant really does better than another: a two-sided two-proportion z-test on
/// conversions per display, as a lead would read it ("B wins" only when it is unlikely to be luck).
public enum CampaignSignificance {
    public struct Comparison: Equatable, Sendable {
        /// The difference in conversion rate, variant minus control (0.02 = two points).
        public var lift: Double
        public var pValue: Double
        /// p < 0.05 with at least `minimumShows` displays on each side.
        public var significant: Bool
    }

    public static let minimumShows = 30

    public static func compare(control: (conversions: Int, shows: Int), variant: (conversions: Int, shows: Int)) -> Comparison? {
        guard control.shows > 0, variant.shows > 0 else { return nil }
        let p1 = Double(control.conversions) / Double(control.shows), p2 = Double(variant.conversions) / Double(variant.shows)
        let pooled = Double(control.conversions + variant.conversions) / Double(control.shows + variant.shows)
        let error = (pooled * (1 - pooled) * (1 / Double(control.shows) + 1 / Double(variant.shows))).squareRoot()
        let p = error == 0 ? 1 : erfc(abs(p2 - p1) / error / 2.squareRoot())
        return Comparison(lift: p2 - p1, pValue: p,
                          significant: p < 0.05 && control.shows >= minimumShows && variant.shows >= minimumShows)
    }
}
