"""The largest differences between two estimate files of the survey benchmark (item, domain,
level, estimate, se), over the estimates both have, and how many each has.

Usage: python3 compare.py RIGHTSMON.csv REFERENCE.csv
"""
import csv
import sys


def read(path):
    with open(path) as f:
        return {(r["item"], r["domain"], float(r["level"])): (float(r["estimate"]), float(r["se"])) for r in csv.DictReader(f)}


ours, theirs = read(sys.argv[1]), read(sys.argv[2])
common = ours.keys() & theirs.keys()
items = {k[0] for k in theirs}
ours_on_items = {k for k in ours if k[0] in items}
estimate = max((abs(ours[k][0] - theirs[k][0]) for k in common), default=float("nan"))
se = max((abs(ours[k][1] - theirs[k][1]) for k in common), default=float("nan"))
print(
    f"{len(common)} estimates compared (rightsmon {len(ours_on_items)}, reference {len(theirs)} on the same items); "
    f"largest difference: estimate {estimate:.3g}, standard error {se:.3g}"
)
