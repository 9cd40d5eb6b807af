// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "TerritoryKit",
  platforms: [.macOS(.v15)],
  products: [
    .library(name: "TerritoryKit", targets: ["TerritoryKit"]),
    .executable(name: "territory", targets: ["territory"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
  ],
  targets: [
    // System libraries from Debian (Scripts/setup installs them).
    .systemLibrary(name: "CGDAL", pkgConfig: "gdal", providers: [.apt(["libgdal-dev"])]),
    .systemLibrary(name: "CPROJ", pkgConfig: "proj", providers: [.apt(["libproj-dev"])]),
    .systemLibrary(name: "CGEOS", pkgConfig: "geos", providers: [.apt(["libgeos-dev"])]),
    .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"])]),
    .systemLibrary(
      name: "CPango", pkgConfig: "pangocairo", providers: [.apt(["libpango1.0-dev"])]),

    // Plain Swift value types shared by every layer.
    .target(name: "GeoCore"),

    // One wrapper per C library; no C type above these.
    .target(name: "GEOSKit", dependencies: ["GeoCore", "CGEOS"]),
    .target(name: "PROJKit", dependencies: ["GeoCore", "CPROJ"]),
    .target(
      name: "GDALKit", dependencies: ["GeoCore", "GEOSKit", "PROJKit", "SQLiteKit", "CGDAL"]),

    // Grids, areal interpolation, zonal statistics: the analyses across scales.
    .target(
      name: "Analysis",
      dependencies: [
        "GeoCore", "GEOSKit", "PROJKit", "GDALKit", .product(name: "Yams", package: "Yams"),
      ]),

    // Palettes, classification and number formatting per language: no C library.
    .target(name: "Style"),

    // Maps drawn with Cairo (shapes) and Pango (text): classification, palettes, layouts.
    .target(
      name: "Cartography",
      dependencies: ["GeoCore", "GEOSKit", "PROJKit", "GDALKit", "Style", "CCairo", "CPango"]),

    // Exports for the web: RFC 7946 GeoJSON, vector and raster tiles (PMTiles, MBTiles, XYZ).
    .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
    .target(name: "SQLiteKit", dependencies: ["CSQLite"]),
    .target(
      name: "Tiles",
      dependencies: ["GeoCore", "GEOSKit", "PROJKit", "GDALKit", "SQLiteKit", "Style"]),

    // `territory serve`: a folder over HTTP on Hummingbird (ranges, media types, refusals).
    .target(
      name: "WebServer",
      dependencies: [
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "Logging", package: "swift-log"),
      ]),

    // The Swift API for notebooks and other Swift programs.
    .target(
      name: "TerritoryKit",
      dependencies: [
        "GeoCore", "GEOSKit", "PROJKit", "GDALKit", "Analysis", "Style", "Cartography", "Tiles",
        "SQLiteKit", "WebServer",
      ],
      // The web map's page (WebMapExport); MapLibre GL JS comes from Scripts/setup.
      resources: [.copy("Web")]),

    // Commands, options, output and exit codes.
    .target(
      name: "TerritoryCLI",
      dependencies: [
        "TerritoryKit",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),
    .executableTarget(name: "territory", dependencies: ["TerritoryCLI"]),

    // A loop program that creates and drops every kind of wrapped C object, for valgrind.
    .executableTarget(name: "LeakCheck", dependencies: ["TerritoryKit"]),

    .testTarget(name: "GeoCoreTests", dependencies: ["GeoCore"]),
    .testTarget(name: "GEOSKitTests", dependencies: ["GEOSKit"]),
    .testTarget(name: "PROJKitTests", dependencies: ["PROJKit"]),
    .testTarget(
      name: "AnalysisTests",
      dependencies: ["Analysis", "GDALKit", "GEOSKit", "PROJKit", "GeoCore", "TestFixtures"]),
    // Paths of the bundled data and scratch folders, for the test targets.
    .target(name: "TestFixtures", path: "Tests/TestFixtures"),
    .testTarget(name: "TerritoryKitTests", dependencies: ["TerritoryKit"]),
    .testTarget(
      name: "TilesTests",
      dependencies: [
        "Tiles", "Style", "GEOSKit", "GeoCore", "GDALKit", "PROJKit", "SQLiteKit", "TestFixtures",
      ],
      exclude: ["Golden"]),
    .testTarget(
      name: "CartographyTests",
      dependencies: ["Cartography", "Style", "GeoCore", "GEOSKit", "PROJKit", "TestFixtures"]),
    .testTarget(
      name: "GDALKitTests",
      dependencies: ["GDALKit", "GEOSKit", "PROJKit", "GeoCore", "SQLiteKit", "TestFixtures"]),
    .testTarget(
      name: "TerritoryCLITests",
      dependencies: ["territory", "TerritoryCLI", "GDALKit", "TestFixtures"]),
    .testTarget(name: "WebServerTests", dependencies: ["WebServer"]),
  ],
  swiftLanguageModes: [.v6]
)
