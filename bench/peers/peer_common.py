"""Shared by the Python peers of `glassbox bench`: the request on stdin, the reply on stdout's
last line, and the same repetition plan as the TypeScript harness (bench/timing.ts)."""
import json
import statistics
import sys
import time


def read_request():
    return json.loads(sys.stdin.read())


def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def fail(message, missing=False):
    """Replies with an error; `missing` says a dependency (numpy, torch) is not installed."""
    reply({"error": message, "missing": missing})
    sys.exit(2)


def time_runs(run, plan):
    """Warm-up runs (just one when a run takes longer than budgetMs), then timed runs until
    maxReps, or until budgetMs is spent after minReps."""
    for _ in range(plan["warmup"]):
        t0 = time.perf_counter()
        run()
        if (time.perf_counter() - t0) * 1000.0 > plan["budgetMs"]:
            break
    times = []
    spent = 0.0
    while len(times) < plan["maxReps"] and (len(times) < plan["minReps"] or spent < plan["budgetMs"]):
        t0 = time.perf_counter()
        run()
        dt = (time.perf_counter() - t0) * 1000.0
        times.append(dt)
        spent += dt
    return {"median_ms": statistics.median(times), "min_ms": min(times), "reps": len(times)}


def load_state(path):
    """The workload state written by the harness: {params: {name: {shape, data}}, inputs: {...}}."""
    with open(path, "r", encoding="utf-8") as f:
        return json.load(f)


def loaded_blas_libraries():
    """BLAS/LAPACK shared libraries mapped into this process (Linux), e.g. OpenBLAS's path."""
    try:
        from threadpoolctl import threadpool_info  # type: ignore

        info = threadpool_info()
        if info:
            return ["%s %s (%s, %s threads)" % (i.get("internal_api"), i.get("version"), i.get("filepath"), i.get("num_threads")) for i in info]
    except ImportError:
        pass
    libs = set()
    try:
        with open("/proc/self/maps", "r", encoding="utf-8") as f:
            for line in f:
                parts = line.split()
                if len(parts) >= 6:
                    name = parts[-1].rsplit("/", 1)[-1].lower()
                    if any(k in name for k in ("blas", "mkl_rt", "blis", "lapack")):
                        libs.add(parts[-1])
    except OSError:
        pass
    return sorted(libs)
