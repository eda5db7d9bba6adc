"""The summary of a batch: one table comparing every scenario.

:mod:`.table` collects each template's key figures per scenario;
:mod:`.export` writes the table as ``summary.xlsx`` and ``summary.csv``.
"""
