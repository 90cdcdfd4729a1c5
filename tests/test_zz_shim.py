import pytest
from pathlib import Path
from tests.test_briefing import *  # noqa

@pytest.fixture(scope="module")
def built():
    return Path("/tmp/core-r1")
