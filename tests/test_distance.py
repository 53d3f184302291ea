"""The vectorized distance must agree with geopy's geodesic distance (our promise: within 0.5%)."""

import numpy as np
import pytest
from geopy.distance import geodesic

from finder.distance import miles_between


def test_agrees_with_geopy_across_the_us() -> None:
    rng = np.random.default_rng(7)
    lats, lons = rng.uniform(18, 71, 500), rng.uniform(-170, -65, 500)
    centre = (40.7484, -73.9967)
    ours = miles_between(*centre, lats, lons)
    exact = np.array([geodesic(centre, point).miles for point in zip(lats, lons, strict=True)])
    assert np.max(np.abs(ours - exact) / exact) < 0.005
    assert np.max(np.abs(ours - exact)) < 0.05  # in practice a few metres


@pytest.mark.parametrize(
    ("a", "b"),
    [((41.8781, -87.6298), (41.8781, -87.6298)), ((25.7617, -80.1918), (25.7618, -80.1918))],
)
def test_zero_and_tiny_distances(a: tuple[float, float], b: tuple[float, float]) -> None:
    assert miles_between(*a, [b[0]], [b[1]])[0] == pytest.approx(geodesic(a, b).miles, abs=1e-3)


def test_pairwise_broadcasting_matches_one_to_many() -> None:
    lats, lons = np.array([40.0, 35.0]), np.array([-75.0, -80.0])
    pairwise = miles_between(lats, lons, lats[::-1], lons[::-1])
    assert pairwise[0] == pytest.approx(miles_between(40.0, -75.0, [35.0], [-80.0])[0])
    assert pairwise[0] == pytest.approx(pairwise[1])
