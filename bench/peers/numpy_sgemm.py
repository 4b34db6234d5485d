"""numpy peer of `glassbox bench`: float32 n x n matrix product.

Request on stdin (JSON): {"mode": "time", "shape": {"n": 1024}, "plan": {...}}
                     or {"mode": "check", "state": "<path of exported state>"}.
Reply: one JSON line on stdout."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peer_common import fail, load_state, loaded_blas_libraries, read_request, reply, time_runs  # noqa: E402

try:
    import numpy as np
except ImportError as e:
    fail("numpy is not importable: %s" % e, missing=True)


def configured_blas():
    """The BLAS numpy was built against (np.show_config's data), when the loaded library is unknown."""
    info = getattr(np.__config__, "blas_opt_info", None) or getattr(np.__config__, "blas_ilp64_opt_info", None)
    return ["built against %s" % ", ".join(sorted(set(info.get("libraries", []))))] if info else []


def main():
    req = read_request()
    if req["mode"] == "check":
        inputs = load_state(req["state"])["inputs"]
        a = np.array(inputs["a"]["data"], dtype=np.float32).reshape(inputs["a"]["shape"])
        b = np.array(inputs["b"]["data"], dtype=np.float32).reshape(inputs["b"]["shape"])
        reply({"values": {"output": (a @ b).ravel().tolist()}})
        return
    n = req["shape"]["n"]
    rng = np.random.default_rng(0)
    a = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    b = rng.uniform(-1, 1, (n, n)).astype(np.float32)
    c = np.empty((n, n), dtype=np.float32)
    timing = time_runs(lambda: np.matmul(a, b, out=c), req["plan"])
    timing["facts"] = {"version": np.__version__, "blas": loaded_blas_libraries() or configured_blas()}
    reply(timing)


main()
