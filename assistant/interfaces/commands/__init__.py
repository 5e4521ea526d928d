"""CLI subcommands: one module per command with ``register(subparsers)`` and ``run(args) -> int``.

Command modules import nothing heavy at module level (models, faiss, gradio load inside ``run``),
so building the parser for ``assistant --help`` stays fast.
"""
