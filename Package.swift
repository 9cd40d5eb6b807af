// swift-tools-version:6.0
import Foundation
import PackageDescription

/// Shared libraries named first in `territory`'s own list of needed libraries,
/// in the order of how many symbol look-ups each answers when the program
/// starts. GDAL brings some 150 libraries, and the dynamic loader looks each
/// symbol up library after library in that list; without this, a library deep
/// in GDAL's dependencies (Xerces, GEOS, OpenSSL, Poppler...) binding its own
/// symbols walks past a hundred others first. Measured on Debian 12
/// (docs/FINDINGS.md, "Process start"): 30 ms less for every run. A name whose
/// file is absent is skipped, so a machine with other library versions still
/// links, only without the gain.
let startupOrder = [
  "libxerces-c-3.2.so", "libgeos.so.3.11.1", "libcrypto.so.3", "libstdc++.so.6",
  "libpoppler.so.126", "libkmldom.so.1", "libnetcdf.so.19", "liblapack.so.3",
  "libhdf5_serial.so.103", "libspatialite.so.7", "libgnutls.so.30", "libnettle.so.8",
  "librttopo.so.1", "libnss3.so", "libunistring.so.2", "libqhull_r.so.8.0", "libLerc.so.4",
  "libnssutil3.so", "libldap-2.5.so.0", "libblas.so.3", "libnspr4.so", "libssl.so.3",
  "liblcms2.so.2", "libpng16.so.16", "libhogweed.so.6",
].filter { FileManager.default.fileExists(atPath: "/usr/lib/x86_64-linux-gnu/" + $0) }
let startupLinking: [LinkerSetting] =
  startupOrder.isEmpty
  ? []
  : [
    .unsafeFlags(
      ["-Xlinker", "--push-state", "-Xlinker", "--no-as-needed"] + startupOrder.map { "-l:" + $0 }
        + ["-Xlinker", "--pop-state"], .when(platforms: [.linux]))
  ]

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
    .target(name: "SQLiteKit", dependencies: ["GeoCore", "CSQLite"]),
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
    .executableTarget(
      name: "territory", dependencies: ["TerritoryCLI"], linkerSettings: startupLinking),

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
      dependencies: [
        "Cartography", "Style", "GeoCore", "GEOSKit", "PROJKit", "GDALKit", "TestFixtures",
      ]),
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
