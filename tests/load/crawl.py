"""Visit every question page of the load fixtures once, as a crawler would.

On a site in service every page visited within the page cache's lifetime is
in the cache; a load run starts with an empty one. This fills it as the
site's earlier visitors (and search-engine crawlers, which read every page)
would have, so that the measured minutes describe the site in service and
not a cold start. Prints how many pages it read and how long it took.

    python tests/load/crawl.py FIXTURES HOST [THREADS]
"""

import json
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def fetch(url: str) -> int:
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https"})
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
        return int(response.status)


def main() -> None:
    fixtures, host = Path(sys.argv[1]), sys.argv[2].rstrip("/")
    threads = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    paths = json.loads(fixtures.read_text())["questions"]
    started = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        statuses = list(pool.map(fetch, [host + path for path in paths]))
    failed = sum(status != 200 for status in statuses)
    seconds = time.monotonic() - started
    print(f"read {len(paths)} question pages in {seconds:.0f} s ({failed} not 200)")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
