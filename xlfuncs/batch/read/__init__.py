"""Reading scenario files: a file of any kind in, checked scenarios (or problems) out.

:func:`.sources.read_scenarios` picks the reader by the file's suffix: YAML
and JSON files nest their scenarios (:mod:`.yaml_files` and the JSON reader
of :mod:`xlfuncs._files.text`, then :mod:`.checker`); CSV and XLSX files are a
long table (:mod:`.tables`, with :mod:`.xlsx_files` for workbooks). Every
reader checks values with one :class:`~.checker.ValueChecker`, fills what a
file leaves out from :mod:`.defaults`, and looks up model prices through
:mod:`.price_book`. :mod:`.describe` puts the same rules in words.
"""
