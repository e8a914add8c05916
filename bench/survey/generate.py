"""Seeded survey microdata for the survey benchmark: a stratified two-stage-like sample of
RESPONDENTS respondents in 50 strata (regions) of 40 PSUs each, with weights, the population
of PSUs per stratum for the finite population correction, sex, 15 age groups, 1,000 districts
(20 in each region) and ITEMS yes/no items with about 3% no answer.

Usage: python3 generate.py RESPONDENTS ITEMS SEED OUT.csv
"""
import sys

import numpy as np

respondents, items, seed, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rng = np.random.default_rng(seed)
strata, psus_per_stratum, districts_per_stratum = 50, 40, 20
stratum = rng.integers(0, strata, respondents)
psu = rng.integers(0, psus_per_stratum, respondents)
district = stratum * districts_per_stratum + rng.integers(0, districts_per_stratum, respondents)
population = 200 + stratum * 3
weight = np.round(rng.uniform(20, 400, respondents), 3)
sex = rng.integers(1, 3, respondents)
age = rng.integers(1, 16, respondents)
columns = {
    "id": np.arange(1, respondents + 1),
    "stratum": stratum + 1,
    "psu": psu + 1,
    "population": population,
    "weight": weight,
    "sex": sex,
    "age": age,
    "district": district + 1,
}
with open(out, "w") as f:
    names = list(columns) + [f"q{i:02d}" for i in range(1, items + 1)]
    f.write(",".join(names) + "\n")
    # Each item's chance of yes depends on the district and the age group.
    base = rng.uniform(0.1, 0.9, (items, strata * districts_per_stratum))
    answers = []
    for i in range(items):
        p = np.clip(base[i][district] + (age - 8) * 0.01, 0.01, 0.99)
        yes = (rng.uniform(size=respondents) < p).astype(np.int8)
        text = yes.astype(str).astype(object)
        text[rng.uniform(size=respondents) < 0.03] = ""
        answers.append(text)
    fixed = [np.asarray(columns[n]).astype(str) for n in columns]
    chunk = 100_000
    for start in range(0, respondents, chunk):
        end = min(start + chunk, respondents)
        rows = zip(*[c[start:end] for c in fixed], *[a[start:end] for a in answers])
        f.write("\n".join(",".join(r) for r in rows) + "\n")
