"""Layouts of plain-text performance-target documents, one module per layout.

:mod:`assistant.documents.text_layouts` sniffs which layout a text is written in and calls the matching
``parse(lines, source)``; :mod:`.common` holds what every layout needs (label recognition, 一级/二级
inheritance across merged cells, header fields such as year, budget and department).
"""
