"""Start and stop the real Neo4j of ``scripts/neo4j-server`` from tests (no mocks, no skips)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "neo4j-server"
# The first start resolves the jars from Maven Central; later ones take seconds.
START_TIMEOUT = 900


class Neo4jServer:
    """One server with its own state directory (database files, pid, URI, log)."""

    def __init__(self, state_dir: Path, password: str | None = None) -> None:
        self.state_dir = Path(state_dir)
        self.password = password
        self.uri: str | None = None

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("NEO4J_PASSWORD", "NEO4J_PORT")}
        env["NEO4J_STATE_DIR"] = str(self.state_dir)
        # The server stops by itself if this test run dies before stopping it.
        env["NEO4J_OWNER_PID"] = str(os.getpid())
        if self.password:
            env["NEO4J_PASSWORD"] = self.password
        return env

    def _run(self, command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(SCRIPT), command], env=self._env(), capture_output=True, text=True,
                              timeout=START_TIMEOUT, check=False)

    def up(self) -> str:
        """Start (or find) the server; its ``bolt://`` URI. Raises with the script's output if it cannot."""
        done = self._run("up")
        lines = done.stdout.strip().splitlines()
        if done.returncode != 0 or not lines or not lines[-1].startswith("NEO4J_URI="):
            raise RuntimeError(f"scripts/neo4j-server up failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        self.uri = lines[-1].split("=", 1)[1]
        return self.uri

    def down(self) -> None:
        """Stop the server cleanly and wait for it."""
        done = self._run("down")
        if done.returncode != 0:
            raise RuntimeError(f"scripts/neo4j-server down failed:\n{done.stderr}")

    def admin(self, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
        """Run ``neo4j-admin ARGS`` (the same jars) on this server's files, in ``cwd``."""
        return subprocess.run([str(SCRIPT), "admin", *args], env=self._env(), cwd=cwd, capture_output=True,
                              text=True, timeout=START_TIMEOUT, check=False)

    @property
    def pid(self) -> int:
        """The server's process id."""
        return int((self.state_dir / "pid").read_text().strip())
