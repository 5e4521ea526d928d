"""Importing the suggest engine, its CLI command and its evaluation loads no heavy library."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("torch", "faiss", "gradio", "sentence_transformers", "sklearn", "jieba")


def test_imports_are_light():
    code = (
        "import sys, assistant.engines.suggest, assistant.interfaces.commands.suggest, "
        "assistant.evaluation.suggest_eval; "
        "from assistant.engines.suggest import Suggester; "
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
