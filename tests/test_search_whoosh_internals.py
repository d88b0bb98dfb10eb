"""Whoosh's private internals are used for one pinned version only, and fail loudly otherwise."""

from __future__ import annotations

import importlib
import importlib.metadata

import pytest

from dangan.search import whoosh_internals


def test_the_pinned_version_is_the_one_installed_and_the_one_in_pyproject():
    from pathlib import Path

    pyproject = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text()
    assert f'"whoosh-reloaded=={whoosh_internals.PINNED}"' in pyproject
    assert importlib.metadata.version("whoosh-reloaded") == whoosh_internals.PINNED


def test_another_whoosh_version_refuses_to_load(monkeypatch):
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "2.8.0")
    with pytest.raises(ImportError, match=r"whoosh_internals\.py"):
        importlib.reload(whoosh_internals)
    monkeypatch.undo()
    importlib.reload(whoosh_internals)  # the module is left loaded for the other tests
