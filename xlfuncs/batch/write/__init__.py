"""Writing the batch's workbooks: filled from a built template, named, and stamped.

:mod:`.filler` fills a template's saved sheets with each scenario's inputs
and the values of its formulas; :mod:`.filenames` makes safe, unique file
names from scenario names; :mod:`.provenance` records in each workbook what
it was made from.
"""
