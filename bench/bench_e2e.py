"""Speed of one Excel call end to end: Node -> HTTP -> xlwings Server -> Python -> back.

The real xlwings Server (the ``e2e`` extra) serves the Excel functions on
127.0.0.1 beside ``PASS``, a function with TCO's nine raw arguments that
does nothing and returns 1. The custom-functions JavaScript the server hands
Excel runs under Node (``tests/officejs_runtime.js``) and makes each call the
way Excel would, one after another. The ratio is a scalar ``TCO`` call against
a ``PASS`` call with the same arguments: what our work adds beside the
transport (goal: at most 1.1). Rounds alternate and the fastest of each is
kept, so a busy machine slows both alike. Run: ``python bench/bench_e2e.py``.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from xlwings_server_host import OfficeJsClient, XlwingsServer

PASS_FUNCTION = '''
import xlwings as xw


@xw.func
@xw.arg("a", "raw")
@xw.arg("b", "raw")
@xw.arg("c", "raw")
@xw.arg("d", "raw")
@xw.arg("e", "raw")
@xw.arg("f", "raw")
@xw.arg("g", "raw")
@xw.arg("h", "raw")
@xw.arg("i", "raw")
def PASS(a, b=None, c=None, d=None, e=None, f=None, g=None, h=None, i=None):
    """Return 1."""
    return 1.0
'''

#: =TCO(20000, 0.012, 0.95, 8, 50000, 2000, 36, 0.03, 0.08): every argument given.
ARGUMENTS = (20000, 0.012, 0.95, 8.0, 50000, 2000, 36, 0.03, 0.08)
CALLS = 100
ROUNDS = 15


def main() -> None:
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        sys.exit("Node is needed (apt-get install nodejs)")
    with tempfile.TemporaryDirectory() as folder:
        server = XlwingsServer(Path(folder) / "project", extra_code=PASS_FUNCTION)
        client = OfficeJsClient(node, server.origin, "1.4", Path(folder) / "node.txt")
        try:
            [[tco]] = client.call("TCO", *ARGUMENTS, declared=9)["result"]
            assert client.call("PASS", *ARGUMENTS, declared=9)["result"] == [[1.0]]
            client.time("TCO", *ARGUMENTS, declared=9, repeat=CALLS)  # warm up both
            client.time("PASS", *ARGUMENTS, declared=9, repeat=CALLS)
            tco_times, pass_times = [], []
            for _ in range(ROUNDS):
                tco_times.append(client.time("TCO", *ARGUMENTS, declared=9, repeat=CALLS))
                pass_times.append(client.time("PASS", *ARGUMENTS, declared=9, repeat=CALLS))
        finally:
            client.close()
            server.close()
    per_tco = min(tco_times) / CALLS * 1e3
    per_pass = min(pass_times) / CALLS * 1e3
    print(f"end to end, one scalar call (=TCO(...) = {tco:,.2f}), best of {ROUNDS} x {CALLS}:")
    print(f"  TCO  {per_tco:.3f} ms a call")
    print(f"  PASS {per_pass:.3f} ms a call (same nine arguments, no work)")
    print(f"  ratio TCO / PASS = {per_tco / per_pass:.3f}  (goal <= 1.1)")


if __name__ == "__main__":
    main()
