// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "Shopdesk",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "shopdesk", targets: ["shopdesk"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        // gzip for the agent app's files (zlib; already in the graph through the websocket's deflate).
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
    ],
    targets: [
        .target(
            name: "ShopdeskCore"
        ),
        .target(
            name: "ShopdeskIntelligence",
            dependencies: ["ShopdeskCore"],
            // The corpus ships too: a workspace model is trained on it plus the shop's own labels.
            resources: [.copy("Models"), .copy("Corpus")],
            // Training and prediction are tight numeric loops: optimize them even in debug builds,
            // so `swift test` can train on Banking77 in seconds rather than minutes.
            swiftSettings: [.unsafeFlags(["-O"])]
        ),
        // Mail as it arrives: MIME structure, transfer encodings, charsets, headers. Pure Swift.
        .target(
            name: "ShopdeskMail",
            exclude: ["make-charset-tables.py", "make-html-entities.py", "make-cjk-tables.py"],
            // Generated tables of the East-Asian multi-byte charsets, loaded on first use.
            resources: [.copy("CharsetData")]
        ),
        // Shops: the connector protocol, Shopify (GraphQL) and WooCommerce (REST) adapters, webhook
        // signatures. Speaks HTTP through a transport the server supplies (with its address guard).
        .target(
            name: "ShopdeskCommerce",
            dependencies: ["ShopdeskCore", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // Messaging channels (Telegram…): one adapter per provider, speaking its wire format through
        // a transport the server supplies. No database, no server: see ChannelAdapter.
        .target(
            name: "ShopdeskChannels",
            dependencies: [
                "ShopdeskCore",
                "ShopdeskMail",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // Fixed-argument wrappers for SQLite's variadic configuration calls.
        .target(name: "CShopdeskSQLite"),
        .target(
            name: "ShopdeskStore",
            dependencies: [
                "ShopdeskCore",
                "ShopdeskCommerce",
                "CShopdeskSQLite",
                "ShopdeskIntelligence",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .target(
            name: "ShopdeskServer",
            dependencies: [
                "ShopdeskChannels",
                "ShopdeskCore",
                "ShopdeskCommerce",
                "ShopdeskIntelligence",
                "ShopdeskMail",
                "ShopdeskStore",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Crypto", package: "swift-crypto"),
                // RSA signatures for DKIM.
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            resources: [.copy("Public"), .copy("WidgetScript")]
        ),
        .executableTarget(
            name: "shopdesk",
            dependencies: [
                "ShopdeskServer",
                "ShopdeskCore",
                "ShopdeskIntelligence",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            ]
        ),
        .target(
            name: "ShopdeskTestSupport",
            dependencies: ["ShopdeskStore", .product(name: "SQLKit", package: "sql-kit")],
            path: "Tests/Support"
        ),
        .testTarget(name: "ShopdeskCoreTests", dependencies: ["ShopdeskCore", "ShopdeskTestSupport"]),
        // Data/ holds Banking77, read by path from the source tree.
        .testTarget(name: "ShopdeskIntelligenceTests", dependencies: ["ShopdeskIntelligence"], exclude: ["Data"]),
        .testTarget(
            name: "ShopdeskChannelsTests",
            dependencies: [
                "ShopdeskChannels", .product(name: "Crypto", package: "swift-crypto"), .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .testTarget(name: "ShopdeskCommerceTests", dependencies: ["ShopdeskCommerce"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ShopdeskMailTests", dependencies: ["ShopdeskMail", "ShopdeskTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ShopdeskStoreTests", dependencies: ["ShopdeskStore", "ShopdeskTestSupport"]),
        .testTarget(
            name: "ShopdeskServerTests",
            dependencies: [
                "ShopdeskServer",
                "ShopdeskMail",
                "ShopdeskTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            // The Selenium script is run by path from the source tree, not bundled.
            exclude: ["Python"]
        ),
    ]
)
