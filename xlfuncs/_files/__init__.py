"""Files the commands read and write, shared by the batch, the templates and tornado commands.

Reading: :mod:`.limits` (what a file may hold, checked before the work),
:mod:`.number_text` (numbers written as text, and a file's one decimal mark),
:mod:`.text` (a file's size, its text encoding, and JSON under the limits).
Writing: :mod:`.saving` (temporary files named after their writer, moved
into place in one step) and :mod:`.output_folder` (problems with the folder
said the way a user can act on them).
"""
