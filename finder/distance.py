"""Distances from one point to many, vectorized over whole columns.

geopy's geodesic() is exact but costs tens of microseconds a call; the search needs the
distance to every specialist at once. Lambert's formula on the WGS-84 ellipsoid keeps
numpy doing the work and stays within a few metres of geopy over US distances (a plain
spherical haversine can be off by up to ~0.5%, which is the error budget we promise).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

WGS84_A_METRES = 6_378_137.0
WGS84_F = 1 / 298.257223563
METRES_PER_MILE = 1_609.344


def miles_between(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> npt.NDArray[np.float64]:
    """Ellipsoidal distance in miles between points, broadcasting like numpy.

    One centre against whole columns (the search) or two columns pairwise (the validator).
    """
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(v, dtype=np.float64)) for v in (lat1, lon1, lat2, lon2))

    # Reduced (parametric) latitudes turn the ellipsoid problem into a spherical one.
    beta1 = np.arctan((1 - WGS84_F) * np.tan(lat1))
    beta2 = np.arctan((1 - WGS84_F) * np.tan(lat2))
    half_dlat = (beta2 - beta1) / 2
    half_dlon = (lon2 - lon1) / 2
    hav = np.sin(half_dlat) ** 2 + np.cos(beta1) * np.cos(beta2) * np.sin(half_dlon) ** 2
    sigma = 2 * np.arcsin(np.sqrt(np.clip(hav, 0.0, 1.0)))

    # Lambert's correction for flattening.
    p = (beta1 + beta2) / 2
    q = (beta2 - beta1) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        x = (sigma - np.sin(sigma)) * (np.sin(p) * np.cos(q)) ** 2 / np.cos(sigma / 2) ** 2
        y = (sigma + np.sin(sigma)) * (np.cos(p) * np.sin(q)) ** 2 / np.sin(sigma / 2) ** 2
        metres = WGS84_A_METRES * (sigma - WGS84_F / 2 * (x + y))
    return np.where(sigma > 0, metres, 0.0) / METRES_PER_MILE
