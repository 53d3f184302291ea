"""Answer the CDN requests folium's map makes, without the internet.

folium loads Leaflet, jQuery and its plugins from public CDNs, which test machines cannot
reach; without them the map iframe stays blank and the test proves nothing. This handler
serves the libraries the map needs from the npm packages in `assets/node_modules` (installed
by `scripts/test.sh`), blanks the cosmetic ones, draws every map tile as a transparent pixel,
lets requests to the app through and aborts everything else, so a test run never touches
the network. It records what it did so a test can assert the real Leaflet was loaded.
"""

from __future__ import annotations

import base64
import json
import mimetypes
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Route

NODE_MODULES = Path(__file__).parent / "assets" / "node_modules"

# Each pattern names (package, version, path) in one CDN's URL layout.
_CDN_LAYOUTS: tuple[re.Pattern[str], ...] = (
    # https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js (and @scope/name@version/...)
    re.compile(r"^https://cdn\.jsdelivr\.net/npm/(?P<package>(?:@[^/]+/)?[^/@]+)@(?P<version>[^/]+)/(?P<path>.+)$"),
    # https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.css
    re.compile(r"^https://cdnjs\.cloudflare\.com/ajax/libs/(?P<package>[^/]+)/(?P<version>[^/]+)/(?P<path>.+)$"),
    # https://code.jquery.com/jquery-3.7.1.min.js
    re.compile(r"^https://code\.jquery\.com/(?P<path>(?P<package>jquery)-(?P<version>\d+\.\d+\.\d+)\..+)$"),
)
# Hosts whose assets are blanked when no npm package here provides them.
CDN_HOSTS = frozenset(
    {
        "cdn.jsdelivr.net",
        "cdnjs.cloudflare.com",
        "code.jquery.com",
        "netdna.bootstrapcdn.com",
        "maxcdn.bootstrapcdn.com",
        "stackpath.bootstrapcdn.com",
        "unpkg.com",
        "d3js.org",
    }
)
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost"})
TILE_HOST = re.compile(r"^(?:[a-z]\.)?tile\.openstreetmap\.org$")
TRANSPARENT_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGBgAAAABQABpfZFQAAAAABJRU5ErkJggg=="
)
# Real CDNs send this; fonts and module scripts loaded cross-origin need it.
_CORS = {"Access-Control-Allow-Origin": "*"}


def local_file(url: str, node_modules: Path = NODE_MODULES) -> Path | None:
    """The installed npm file for a CDN URL, or None when that package or version is not installed.

    npm packages keep their builds under `dist/` while cdnjs and code.jquery.com serve them
    from the top, and code.jquery.com puts the version in the file name, so each of those
    spellings is tried. A version mismatch counts as missing, so a folium upgrade that asks
    for a new Leaflet shows up as "not served locally" instead of silently testing the old one.
    """
    for layout in _CDN_LAYOUTS:
        match = layout.match(url.split("?", 1)[0].split("#", 1)[0])
        if match is None:
            continue
        package_dir = (node_modules / match["package"]).resolve()
        manifest = package_dir / "package.json"
        if not manifest.is_file() or json.loads(manifest.read_text())["version"] != match["version"]:
            return None
        path = match["path"]
        for name in (path, path.replace(f"-{match['version']}", "")):
            for candidate in (package_dir / name, package_dir / "dist" / name):
                resolved = candidate.resolve()
                if resolved.is_file() and resolved.is_relative_to(package_dir):
                    return resolved
        return None
    return None


def content_type(url: str) -> str:
    """The MIME type a CDN would send for this URL's file name."""
    guessed, _ = mimetypes.guess_type(urlsplit(url).path)
    return guessed or "application/octet-stream"


@dataclass
class CdnRecorder:
    """A Playwright route handler that keeps a list of what it did with each request."""

    node_modules: Path = NODE_MODULES
    local: list[str] = field(default_factory=list)
    blanked: list[str] = field(default_factory=list)
    tiles: list[str] = field(default_factory=list)
    aborted: list[str] = field(default_factory=list)

    def __call__(self, route: Route) -> None:
        url = route.request.url
        host = urlsplit(url).hostname or ""
        if host in LOCAL_HOSTS:
            route.continue_()
        elif TILE_HOST.match(host):
            self.tiles.append(url)
            route.fulfill(status=200, body=TRANSPARENT_PNG, content_type="image/png", headers=_CORS)
        elif host in CDN_HOSTS and (path := local_file(url, self.node_modules)):
            self.local.append(url)
            route.fulfill(status=200, path=path, content_type=content_type(url), headers=_CORS)
        elif host in CDN_HOSTS:
            self.blanked.append(url)
            route.fulfill(status=200, body=b"", content_type=content_type(url), headers=_CORS)
        else:
            self.aborted.append(url)
            route.abort()

    def served_locally(self, url_fragment: str) -> bool:
        """Whether some request whose URL contains this fragment got the real file."""
        return any(url_fragment in url for url in self.local)
