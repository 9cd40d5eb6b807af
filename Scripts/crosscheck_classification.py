"""Compare TerritoryKit's class breaks with mapclassify's on the same values.

Usage: crosscheck_classification.py CASES.json
CASES.json: {"values": [...], "cases": [{"scheme": "quantiles", "k": 5, "breaks": [...]}, ...]}
Exit 0 when every case agrees (relative 1e-9), 1 otherwise, 2 when mapclassify is missing.
"""
import json
import sys

try:
    import mapclassify
except ImportError:
    print("mapclassify is not installed in this Python")
    sys.exit(2)


def main():
    data = json.load(open(sys.argv[1]))
    values = data["values"]
    classifiers = {"quantiles": mapclassify.Quantiles, "equal-interval": mapclassify.EqualInterval,
                   "natural-breaks": mapclassify.FisherJenks}
    failed = 0
    for case in data["cases"]:
        theirs = list(classifiers[case["scheme"]](values, k=case["k"]).bins)
        ours = case["breaks"]
        same = len(theirs) == len(ours) and all(abs(a - b) <= 1e-9 * max(1, abs(b)) for a, b in zip(ours, theirs))
        print(f"{case['scheme']}: territory {ours} mapclassify {theirs}: {'agree' if same else 'DIFFER'}")
        failed += not same
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
