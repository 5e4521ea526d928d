"""绩效目标助手 — suggest measurable performance indicators and flag vague targets.

``import assistant`` is cheap: no torch, faiss or gradio is loaded until a model is needed.
"""

__version__ = "0.1.0"
