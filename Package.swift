// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Parley",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ParleyDomain", targets: ["ParleyDomain"]),
        .library(name: "ParleyWire", targets: ["ParleyWire"]),
        .library(name: "ParleyStore", targets: ["ParleyStore"]),
        .library(name: "ParleyPostgres", targets: ["ParleyPostgres"]),
        .library(name: "ParleyTLS", targets: ["ParleyTLS"]),
        .library(name: "ParleyIRC", targets: ["ParleyIRC"]),
        .library(name: "ParleyServer", targets: ["ParleyServer"]),
        .library(name: "ParleyClient", targets: ["ParleyClient"]),
        .library(name: "ParleyTUI", targets: ["ParleyTUI"]),
        .executable(name: "parley-server", targets: ["parley-server"]),
        .executable(name: "parley", targets: ["parley"]),
        .executable(name: "parley-bench", targets: ["parley-bench"]),
        .executable(name: "parley-fuzz", targets: ["parley-fuzz"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // Values, rules, errors and events of the chat itself: no I/O, no wire.
        .target(name: "ParleyDomain"),
        // The Parley door's wire format: frames and JSON messages.
        .target(
            name: "ParleyWire",
            dependencies: ["ParleyDomain", .product(name: "NIOCore", package: "swift-nio")]
        ),
        // The IRC door's wire format: lines, tags, numerics, events in IRC's words.
        .target(name: "ParleyIRC", dependencies: ["ParleyDomain"]),
        // Certificates and their fingerprints, the server's identity and the
        // client's trust in it: what both ends of TLS share.
        .target(
            name: "ParleyTLS",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "ParleyStore",
            dependencies: [
                "ParleyDomain",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // The store of nodes that share one PostgreSQL.
        .target(
            name: "ParleyPostgres",
            dependencies: [
                "ParleyDomain",
                "ParleyStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .target(
            name: "ParleyServer",
            dependencies: [
                "ParleyDomain",
                "ParleyWire",
                "ParleyIRC",
                "ParleyStore",
                "ParleyPostgres",
                "ParleyTLS",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        .target(
            name: "ParleyClient",
            dependencies: [
                "ParleyDomain",
                "ParleyWire",
                "ParleyTLS",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .systemLibrary(name: "CNCursesW", path: "Sources/CNCursesW"),
        .systemLibrary(name: "CLibFuzzer", path: "Sources/CLibFuzzer"),
        .executableTarget(
            name: "parley-fuzz",
            dependencies: [
                "ParleyDomain",
                "ParleyWire",
                "ParleyIRC",
                "ParleyServer",
                "CLibFuzzer",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "ParleyTUI",
            dependencies: [
                "ParleyClient",
                "ParleyDomain",
                "ParleyWire",
                "CNCursesW",
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            resources: [.copy("themes")]
        ),
        .executableTarget(
            name: "parley",
            dependencies: [
                "ParleyTUI",
                "ParleyTLS",
                "ParleyClient",
                "ParleyDomain",
                "ParleyWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        .executableTarget(
            name: "parley-server",
            dependencies: [
                "ParleyServer",
                "ParleyPostgres",
                "ParleyTLS",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "parley-bench",
            dependencies: [
                "ParleyDomain", "ParleyWire", "ParleyClient", "ParleyServer", "ParleyTLS", "ParleyPostgres",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            // The bench must cost less than what it measures: run-time
            // exclusivity checks on its handlers' state were a tenth of its time.
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"])]
        ),
        // Starts real servers on ephemeral ports for the test targets.
        .target(
            name: "ParleyTestSupport",
            dependencies: [
                "ParleyServer", "ParleyClient", "ParleyDomain", "ParleyWire", "ParleyStore", "ParleyPostgres", "ParleyTLS", "ParleyIRC",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/ParleyTestSupport"
        ),
        .testTarget(name: "ParleyDomainTests", dependencies: ["ParleyDomain"]),
        .testTarget(name: "ParleyWireTests", dependencies: ["ParleyDomain", "ParleyWire"]),
        .testTarget(name: "ParleyIRCTests", dependencies: ["ParleyDomain", "ParleyIRC"]),
        .testTarget(
            name: "ParleyStoreTests",
            dependencies: ["ParleyStore", "ParleyPostgres", "ParleyTestSupport", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "ParleyServerTests",
            dependencies: [
                "ParleyServer", "ParleyClient", "ParleyTestSupport", "ParleyTLS", "ParleyIRC", "parley-server",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(name: "ParleyClientTests", dependencies: ["ParleyClient", "ParleyTestSupport"]),
        .testTarget(name: "ParleyTUITests", dependencies: ["ParleyTUI", "ParleyClient"]),
        .testTarget(
            name: "ReliabilityTests",
            dependencies: [
                "ParleyTUI", "ParleyClient", "ParleyServer", "ParleyTestSupport", "parley-server", "parley-fuzz",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["ParleyTestSupport", "ParleyClient", "parley", "parley-server", "parley-bench"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
