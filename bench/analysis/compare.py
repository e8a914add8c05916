"""The largest absolute difference between two implementations' results (same keys required;
a value missing on one side and present on the other counts as a difference of infinity)."""
import sys

import numpy as np
import pandas as pd

a, b = sys.argv[1], sys.argv[2]
keys = {"progress": ["city", "indicator"], "gaps": ["city", "indicator"], "goals": ["city", "goal"], "index": ["city"]}
worst = 0.0
for name, key in keys.items():
    x = pd.read_csv(f"{a}/{name}.csv").set_index(key).sort_index()
    y = pd.read_csv(f"{b}/{name}.csv").set_index(key).sort_index()
    if not x.index.equals(y.index):
        print(f"{name}: the keys differ", file=sys.stderr)
        worst = float("inf")
        continue
    for column in x.columns:
        if not (pd.api.types.is_numeric_dtype(x[column]) and pd.api.types.is_numeric_dtype(y[column])):
            # Categories: every mismatch is a difference of infinity.
            if not (x[column].fillna("") == y[column].fillna("")).all():
                print(f"{name}.{column}: categories differ", file=sys.stderr)
                worst = float("inf")
            continue
        p, q = x[column].to_numpy(dtype=float), y[column].to_numpy(dtype=float)
        both = np.isnan(p) & np.isnan(q)
        one = np.isnan(p) ^ np.isnan(q)
        if one.any():
            worst = float("inf")
        d = np.abs(p - q)[~(both | one)]
        if d.size:
            worst = max(worst, float(d.max()))
print(repr(worst))
