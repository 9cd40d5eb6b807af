internal import CGDAL
import GEOSKit
import GeoCore

extension RasterDataset {
  /// The areas of equal value of band `index` (1-based) as polygons in the raster's
  /// CRS, one per connected patch of pixels, skipping nodata (`GDALFPolygonize`
  /// into an in-memory layer, 4-connectedness).
  /// - Returns: each patch's pixel value and polygon.
  /// - Throws: `GDALError.rasterAccess` with GDAL's message.
  public func polygonize(band index: Int) throws(GDALError) -> [(value: Double, polygon: Geometry)]
  {
    guard index >= 1, index <= bandCount, let band = GDALGetRasterBand(handle, Int32(index)) else {
      throw .rasterAccess(
        path: path, detail: "band \(index) does not exist (bands are 1 to \(bandCount))")
    }
    let (memory, createMessages) = withGDALMessages {
      GDALCreate(GDALGetDriverByName("Memory"), "", 0, 0, 0, GDT_Unknown, nil)
    }
    guard let memory else { throw .rasterAccess(path: path, detail: createMessages.summary) }
    defer { GDALClose(memory) }
    guard
      let layer = GDALDatasetCreateLayer(
        memory, "patches", GDALGetSpatialRef(handle), wkbPolygon, nil)
    else { throw .rasterAccess(path: path, detail: "cannot create an in-memory layer") }
    let field = OGR_Fld_Create("value", OFTReal)
    defer { OGR_Fld_Destroy(field) }
    OGR_L_CreateField(layer, field, 1)
    let (status, messages) = withGDALMessages {
      GDALFPolygonize(band, GDALGetMaskBand(band), layer, 0, nil, nil, nil)
    }
    guard status == CE_None else { throw .rasterAccess(path: path, detail: messages.summary) }
    var patches: [(Double, Geometry)] = []
    OGR_L_ResetReading(layer)
    while let feature = OGR_L_GetNextFeature(layer) {
      defer { OGR_F_Destroy(feature) }
      guard let ogr = OGR_F_GetGeometryRef(feature) else { continue }
      var bytes = [UInt8](repeating: 0, count: OGR_G_WkbSizeEx(ogr))
      guard OGR_G_ExportToIsoWkb(ogr, wkbNDR, &bytes) == OGRERR_NONE,
        let polygon = try? Geometry(wkb: bytes)
      else { continue }
      patches.append((OGR_F_GetFieldAsDouble(feature, 0), polygon))
    }
    return patches
  }
}
