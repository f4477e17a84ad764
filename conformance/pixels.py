"""Pixel comparisons shared by the GDAL and QGIS checks (system Python: numpy and GDAL).

A client's picture of a layer is compared with GDAL's own warp of the source dalles onto the
same grid: it must not be blank, must match where the dalles have data, must stay transparent
where they have none, and must be farther from the same orthophoto moved by SHIFT metres than
the tolerance, which proves each tolerance is tight enough to see a misplaced image.
"""

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()

SIZE = 512  # pixels; over a 400 m square that is ~0.78 m a pixel
HALF = 200.0  # metres: half the side of the compared squares
SHIFT = 20.0  # metres: the misplacement every check must be able to see
# Share of pixels allowed to disagree on "data or not" away from the data's edges (2 px margin):
# rounding of tile/extent edges only touches a few columns, a misplaced image many thousands.
TOL_MASK = 0.002


def squares(bbox, epsg):
    """Named square extents in EPSG:`epsg`: the middle of the data and one half over its east
    edge (where the client must show data on the left and nothing on the right)."""
    cx, cy = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
    source, target = osr.SpatialReference(), osr.SpatialReference()
    source.ImportFromEPSG(2154)
    target.ImportFromEPSG(epsg)
    for srs in (source, target):
        srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    transform = osr.CoordinateTransformation(source, target)
    result = {}
    for name, (x, y) in {"middle": (cx, cy), "east edge": (bbox[2], cy)}.items():
        minx, miny, maxx, maxy = transform.TransformBounds(x - HALF, y - HALF, x + HALF, y + HALF, 21)
        half = max(maxx - minx, maxy - miny) / 2
        mx, my = (minx + maxx) / 2, (miny + maxy) / 2
        result[name] = (mx - half, my - half, mx + half, my + half)
    return result


def warp(source, epsg, bounds, shift=0.0):
    """A dataset (or path) warped onto the SIZE × SIZE grid over `bounds`, as RGBA."""
    minx, miny, maxx, maxy = bounds
    ds = gdal.Warp("", source, format="MEM", dstSRS=f"EPSG:{epsg}",
                   outputBounds=(minx + shift, miny, maxx + shift, maxy),
                   width=SIZE, height=SIZE, resampleAlg="bilinear", dstAlpha=True)
    bands = [ds.GetRasterBand(b).ReadAsArray() for b in range(1, ds.RasterCount + 1)]
    if len(bands) == 2:  # grey + alpha
        bands = [bands[0], bands[0], bands[0], bands[1]]
    return np.dstack(bands[:3] + bands[-1:])


def reference(path, epsg, bounds, shift=0.0):
    """GDAL's warp of the source dalles; alpha = where the dalles have data."""
    return warp(path, epsg, bounds, shift)


def erode(mask, steps=2):
    """Shrinks a mask by `steps` pixels so resampling at the data's edges is not judged."""
    for _ in range(steps):
        inner = mask.copy()
        inner[1:] &= mask[:-1]
        inner[:-1] &= mask[1:]
        inner[:, 1:] &= mask[:, :-1]
        inner[:, :-1] &= mask[:, 1:]
        mask = inner
    return mask


def difference(image, ref):
    """Mean absolute RGB difference where the reference has data (and the image is opaque)."""
    both = erode(ref[..., 3] == 255) & (image[..., 3] == 255)
    if not both.any():
        return float("inf")
    return float(np.abs(image[..., :3].astype(np.int16) - ref[..., :3])[both].mean())


def compare(image, ref, shifted, tolerance):
    """Not blank, close to the reference on its data, transparent off it, farther from a shifted one."""
    data, void = erode(ref[..., 3] == 255), erode(ref[..., 3] == 0)
    holes = float((image[..., 3][data] < 255).mean()) if data.any() else 0.0
    leaks = float((image[..., 3][void] > 0).mean()) if void.any() else 0.0
    diff, off = difference(image, ref), difference(image, shifted)
    blank = image[..., 3].max() == 0 or image[..., :3][image[..., 3] > 0].std() < 2
    ok = not blank and diff <= tolerance < off and holes <= TOL_MASK and leaks <= TOL_MASK
    detail = (f"mean |dRGB| {diff:.2f} (tolerance {tolerance}, {SHIFT:.0f} m shifted reference {off:.2f}), "
              f"holes {holes:.4f}, leaks {leaks:.4f}" + (", blank image" if blank else ""))
    return ok, detail
