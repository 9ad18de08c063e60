"""Where the shared reference data lives: `../shared/data` beside the repository.

Tests read real lists and labelled pairs from there at run time; nothing is copied
into the repository. ACCORD_SHARED_DATA overrides the location.
"""

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("ACCORD_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))
SANCTIONS = SHARED_DATA / "sanctions"
NAMES = SHARED_DATA / "names"
