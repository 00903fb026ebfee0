"""Print the CSP sources for the inline scripts of the installed Streamlit's page ('sha256-…' each).

Streamlit's index.html carries a small inline <script>; the nginx site allows exactly it by its hash
instead of allowing every inline script. Run with the app's Python: .venv/bin/python deploy/csp.py
"""

import base64
import hashlib
import re
from pathlib import Path

import streamlit

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S)


def inline_script_sources() -> str:
    page = (Path(streamlit.__file__).parent / "static" / "index.html").read_text(encoding="utf-8")
    digests = [base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() for body in INLINE_SCRIPT.findall(page)]
    return " ".join(f"'sha256-{d}'" for d in digests)


if __name__ == "__main__":
    print(inline_script_sources())
