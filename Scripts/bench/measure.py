"""Run one command RUNS times; print the median wall time (s) and peak memory (MiB) as JSON.

Usage: Scripts/bench/measure.py RUNS COMMAND...
Standard library only and started fresh, so that the peak resident memory of the
measured command is not inflated by a large parent (after fork, a child's peak
counts the pages it shared with its parent, even across exec).
"""
import json
import os
import statistics
import sys
import time


def main():
    runs, command = int(sys.argv[1]), sys.argv[2:]
    report = os.dup(1)
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # the command's own output is not the report
    times, memory = [], []
    for _ in range(runs):
        start = time.perf_counter()
        pid = os.spawnvp(os.P_NOWAIT, command[0], command)
        _, status, usage = os.wait4(pid, 0)
        times.append(time.perf_counter() - start)
        memory.append(usage.ru_maxrss / 1024)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"failed: {' '.join(command)}")
    os.write(report, (json.dumps({"seconds": statistics.median(times), "mib": statistics.median(memory)}) + "\n").encode())


if __name__ == "__main__":
    main()
