"""Run one command and print each line of its standard error with the time since the start,
the resident memory then, and the most resident memory since the line before; then the peak.

Usage: python3 Scripts/bench/steps.py COMMAND...
Shows which step of a job (`territory analyze SITE -o OUT --overwrite --no-web`, whose
progress lines name its steps) holds the most memory. Linux only (/proc/PID/status),
standard library only; samples every 10 ms, so a peak shorter than that can be missed.
"""
import subprocess
import sys
import threading
import time


def main():
    process = subprocess.Popen(
        sys.argv[1:], stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    start = time.time()
    state = {"now": 0, "since": 0, "peak": 0, "at": 0.0}

    def sample():
        while process.poll() is None:
            try:
                with open(f"/proc/{process.pid}/status") as status:
                    for line in status:
                        if line.startswith("VmRSS"):
                            mib = int(line.split()[1]) // 1024
                            state["now"] = mib
                            state["since"] = max(state["since"], mib)
                            if mib > state["peak"]:
                                state["peak"], state["at"] = mib, time.time() - start
            except OSError:
                break
            time.sleep(0.01)

    threading.Thread(target=sample, daemon=True).start()
    for line in process.stderr:
        print(f"{time.time() - start:7.1f} s  {state['now']:6d} MiB  "
              f"(most since the line before {state['since']:6d})  {line.rstrip()}", flush=True)
        state["since"] = 0
    process.wait()
    print(f"peak {state['peak']} MiB at {state['at']:.1f} s; exit {process.returncode}")
    return process.returncode


if __name__ == "__main__":
    sys.exit(main())
