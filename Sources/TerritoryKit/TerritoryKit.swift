@_exported import Analysis
@_exported import Cartography
// The TerritoryKit library: one import for notebooks and other Swift programs.
@_exported import GDALKit
@_exported import GEOSKit
@_exported import GeoCore
@_exported import PROJKit
@_exported import SQLiteKit
@_exported import Style
@_exported import Tiles
@_exported import WebServer
