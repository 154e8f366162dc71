"""The team server's tests: a throwaway PostgreSQL cluster for the whole session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.postgres import Cluster, require_binaries


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    made = Cluster(require_binaries())
    made.start()
    try:
        yield made
    finally:
        made.remove()
