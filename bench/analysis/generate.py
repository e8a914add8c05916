"""Generates the analysis benchmark's inputs, seeded: CITIES x INDICATORS x YEARS values.

indicators.csv  indicator, goal, direction (positive|negative), target (empty: none)
values.csv      city, indicator, year, value   (long; about 4% of the years before the last missing,
                so that base years move)
groups.csv      city, indicator, group (women|men), value   (the last year)
Numbers are written with 17 significant digits, so every implementation reads the same doubles.
"""
import sys
import numpy as np

cities, indicators, years, seed, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
rng = np.random.default_rng(seed)
first_year = 2025 - years
goals = 20

with open(f"{out}/indicators.csv", "w") as f:
    f.write("indicator,goal,direction,target\n")
    for i in range(indicators):
        positive = rng.random() < 0.5
        r = rng.random()
        if r < 0.4:
            target = ""
        elif r < 0.45 and not positive:
            target = "0"
        else:
            target = repr(float(rng.uniform(60, 140) if positive else rng.uniform(5, 40)))
        f.write(f"i{i:03d},g{i % goals:02d},{'positive' if positive else 'negative'},{target}\n")

start = rng.uniform(10, 100, size=(cities, indicators, 1))
steps = np.exp(rng.normal(0.0, 0.05, size=(cities, indicators, years - 1)))
values = np.concatenate([start, start * np.cumprod(steps, axis=2)], axis=2)
present = rng.random(size=values.shape) >= 0.04
present[:, :, -1] = True
c, i, y = np.nonzero(present)
with open(f"{out}/values.csv", "w") as f:
    f.write("city,indicator,year,value\n")
    lines = (f"c{a:04d},i{b:03d},{first_year + t},{v!r}\n" for a, b, t, v in zip(c.tolist(), i.tolist(), y.tolist(), values[present].tolist()))
    f.writelines(lines)

women = values[:, :, -1] * rng.uniform(0.7, 1.3, size=(cities, indicators))
men = values[:, :, -1] * rng.uniform(0.7, 1.3, size=(cities, indicators))
with open(f"{out}/groups.csv", "w") as f:
    f.write("city,indicator,group,value\n")
    for a in range(cities):
        for b in range(indicators):
            f.write(f"c{a:04d},i{b:03d},women,{float(women[a, b])!r}\n")
            f.write(f"c{a:04d},i{b:03d},men,{float(men[a, b])!r}\n")
