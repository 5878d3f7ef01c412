"""Every test gets its own empty data folder, so no test ever touches a real history."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def trustcheck_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "trustcheck-home"
    monkeypatch.setenv("TRUSTCHECK_HOME", str(home))
    monkeypatch.delenv("TRUSTCHECK_DEBUG", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "120")
    return home
