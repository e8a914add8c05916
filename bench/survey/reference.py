"""The survey benchmark's reference side: samplics (PyPI) on the same respondents, the same
design (strata, PSUs, weights, the finite population correction 1 - n_h / N_h) and the same
domains (sex x age group x district), proportions of the first ITEMS items, written in the Rust
side's format. Prints its load and compute times as JSON.

samplics passes over every respondent once per domain, so with DOMAINS given it estimates that
many of the domains (a seeded choice) and counts every other respondent in one further domain:
each chosen domain's estimate is the same as in a run over all domains, and the time per domain
is what the benchmark compares.

Usage: python3 reference.py RESPONDENTS.csv OUTPUT.csv [ITEMS] [DOMAINS]
"""
import json
import sys
import time
import warnings

warnings.filterwarnings("ignore")

import pandas as pd  # noqa: E402
from samplics.estimation import TaylorEstimator  # noqa: E402
from samplics.utils.types import PopParam  # noqa: E402

source, output = sys.argv[1], sys.argv[2]
started = time.perf_counter()
df = pd.read_csv(source)
load = time.perf_counter() - started
items = [c for c in df.columns if c.startswith("q")]
if len(sys.argv) > 3:
    items = items[: int(sys.argv[3])]

started = time.perf_counter()
domain = df["sex"].astype(str) + "_" + df["age"].astype(str) + "_" + df["district"].astype(str)
estimated = domain.nunique()
if len(sys.argv) > 4:
    chosen = set(pd.Series(domain.unique()).sample(int(sys.argv[4]), random_state=7))
    domain = domain.where(domain.isin(chosen), "other")
    with open(output + ".domains", "w") as f:
        f.write("\n".join(sorted(chosen)) + "\n")
    estimated = len(chosen) + 1  # samplics estimates the further domain too
sampled = df.groupby("stratum")["psu"].nunique()
population = df.groupby("stratum")["population"].first()
fpc = {s: 1 - sampled[s] / population[s] for s in sampled.index}
results = {}
for item in items:
    estimator = TaylorEstimator(PopParam.prop)
    estimator.estimate(
        y=df[item],
        samp_weight=df["weight"],
        stratum=df["stratum"],
        psu=df["psu"],
        domain=domain,
        fpc=fpc,
        remove_nan=True,
    )
    results[item] = (estimator.point_est, estimator.stderror)
compute = time.perf_counter() - started

with open(output, "w") as out:
    out.write("item,domain,level,estimate,se\n")
    for item, (points, errors) in results.items():
        for d, levels in points.items():
            if d == "other":
                continue
            for level, value in levels.items():
                out.write(f"{item},{d},{float(level)},{value!r},{errors[d][level]!r}\n")
print(json.dumps({"load_seconds": load, "compute_seconds": compute, "items": len(items), "domains": estimated}))
