// swift-tools-version:5.9
// The Kunci Swift package: the Rust core as an xcframework (KunciFFI), its generated UniFFI
// bindings (Kunci), a thin Swift API for apps (KunciKit) and the app's portable logic
// (KunciAppLogic: view models, strings in English and Bahasa Indonesia; it compiles on Linux,
// where scripts/test-swift tests it). Run scripts/build-ios first: it builds
// KunciFFI.xcframework and copies the generated Sources/Kunci/Kunci.swift (neither is committed).
import PackageDescription

let package = Package(
    name: "Kunci",
    defaultLocalization: "en",
    platforms: [.iOS(.v16), .macOS(.v13)],
    products: [
        .library(name: "Kunci", targets: ["Kunci", "KunciKit", "KunciAppLogic"]),
    ],
    targets: [
        .binaryTarget(name: "KunciFFI", path: "KunciFFI.xcframework"),
        .target(name: "Kunci", dependencies: ["KunciFFI"], path: "Sources/Kunci", exclude: ["README.md"]),
        .target(name: "KunciKit", dependencies: ["Kunci"], path: "Sources/KunciKit"),
        .target(name: "KunciAppLogic", dependencies: ["Kunci", "KunciKit"], path: "Sources/KunciAppLogic",
                resources: [.process("Resources")]),
    ]
)
