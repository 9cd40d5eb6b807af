"""Time pairs of commands, alternated, and print a Markdown table of medians.

Usage: python3 Scripts/bench/pairs.py RUNS WORKDIR "NAME|TERRITORY COMMAND|OTHER COMMAND" ...
`{out}` in a command becomes a per-tool output path in WORKDIR. Wall time and
peak resident memory (ru_maxrss of the child) are measured for every run.
"""
import glob
import os
import shlex
import shutil
import statistics
import sys
import time


def measure(command):
    """Wall seconds, peak MiB and CPU use (user + system over wall, 100% = one core)."""
    start = time.perf_counter()
    pid = os.spawnvp(os.P_NOWAIT, command[0], command)
    _, status, usage = os.wait4(pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    return elapsed, usage.ru_maxrss / 1024, 100 * (usage.ru_utime + usage.ru_stime) / elapsed


def main():
    runs, work, cases = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # the tools' own output is not part of the report
    lines = [
        f"| case | territory (s) | other (s) | territory / other | territory MiB | other MiB | territory CPU | other CPU |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for case in cases:
        name, ours, theirs = case.split("|")
        times = {"ours": [], "theirs": []}
        memory = {"ours": [], "theirs": []}
        cpu = {"ours": [], "theirs": []}
        for _ in range(runs):
            for key, template in (("ours", ours), ("theirs", theirs)):
                base = os.path.join(work, key)
                for stale in glob.glob(base + ".*") + glob.glob(base + "-*"):
                    if os.path.isdir(stale):
                        shutil.rmtree(stale)
                    else:
                        os.remove(stale)
                command = shlex.split(template.replace("{out}", base))
                # The previous run's files (and the stale outputs just removed) are
                # written out first, so that one tool's writeback is not timed in
                # the other's run (ogr2ogr -f MVT leaves a large temporary database).
                os.sync()
                elapsed, rss, load = measure(command)
                times[key].append(elapsed)
                memory[key].append(rss)
                cpu[key].append(load)
        a, b = statistics.median(times["ours"]), statistics.median(times["theirs"])
        lines.append(
            f"| {name} | {a:.3f} | {b:.3f} | {a / b:.2f} | "
            f"{statistics.median(memory['ours']):.0f} | {statistics.median(memory['theirs']):.0f} | "
            f"{statistics.median(cpu['ours']):.0f}% | {statistics.median(cpu['theirs']):.0f}% |"
        )
    os.write(2, ("\n".join(lines) + "\n").encode())


if __name__ == "__main__":
    main()
