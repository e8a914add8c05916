"""The analysis benchmark's reference implementations: the same computation as
crates/rightsmon-analysis/examples/analysis_bench.rs, in pandas and in DuckDB.

Usage: reference.py pandas|duckdb INPUT_DIR OUTPUT_DIR   (prints the timings as JSON)

The computation, per (city, indicator) series of values.csv:
- the Open SDG CAGR score (open-sdg-cagr-score v1): the current point is the latest year, the
  base the first year from 2015; growth rate g = (current / base)^(1 / years) - 1. Without a
  target: clip(250 g, -5, 5), negated when lower is better. With a target (0 counts as 0.001):
  5 when met; otherwise R = g / required, required = (target / base)^(1 / (2030 - base year)) - 1,
  min(7.1429 R - 4.2857, 5) above R = 0.6, else max(4.1667 R - 2.5, -5);
- its progress status (open-sdg-progress-status v1): target achieved when met; otherwise R (with a
  target) or the signed growth rate (without) banded at 0.95 / 0.6 / 0 or 0.015 / 0.005 / 0 into
  substantial, moderate, negligible progress and deterioration;
- the gap women - men and the ratio women / men (groups.csv);
- a composite index: each indicator's latest value min-max normalised over the cities to
  0..100 (reversed when lower is better), each goal the mean of its indicators, the index the
  mean of the goals.
"""
import json
import sys
import time

import numpy as np
import pandas as pd

impl, src, out = sys.argv[1], sys.argv[2], sys.argv[3]


def score(direction, target, yc, vc, yb, vb):
    """Vectorised CAGR score; NaN where there is no growth rate."""
    positive = direction == "positive"
    with np.errstate(divide="ignore", invalid="ignore"):
        years = (yc - yb).astype(float)
        g = np.where(years > 0, (vc / vb) ** (1.0 / np.where(years > 0, years, 1.0)) - 1.0, np.nan)
        t = np.where(target == 0, 0.001, target)
        no_target = np.clip(250.0 * np.where(positive, g, -g), -5.0, 5.0)
        required = (t / vb) ** (1.0 / (2030 - yb)) - 1.0
        r = g / required
        met = np.where(positive, vc >= t, vc <= t)
        with_target = np.where(met, 5.0, np.where(r > 0.6, np.minimum(7.1429 * r - 4.2857, 5.0), np.maximum(4.1667 * r - 2.5, -5.0)))
        result = np.where(np.isnan(t), no_target, with_target)
    return np.where(np.isnan(g), np.nan, result)


def status(direction, target, yc, vc, yb, vb):
    """Vectorised progress status (open-sdg-progress-status v1); empty where not assessable."""
    positive = direction == "positive"
    with np.errstate(divide="ignore", invalid="ignore"):
        years = (yc - yb).astype(float)
        g = np.where(years > 0, (vc / vb) ** (1.0 / np.where(years > 0, years, 1.0)) - 1.0, np.nan)
        t = np.where(target == 0, 0.001, target)
        has_target = ~np.isnan(t)
        r = g / ((t / vb) ** (1.0 / (2030 - yb)) - 1.0)
        value = np.where(has_target, r, np.where(positive, g, -g))
        high = np.where(has_target, 0.95, 0.015)
        med = np.where(has_target, 0.6, 0.005)
        band = np.select([value >= high, value >= med, value >= 0.0], ["substantial_progress", "moderate_progress", "negligible_progress"], "deterioration")
        met = has_target & np.where(positive, vc >= t, vc <= t)
        out = np.where(met, "target_achieved", band)
        out = np.where(np.isnan(g) | (has_target & ~met & ~np.isfinite(r)), "", out)
    return out


def run_pandas():
    load = time.perf_counter()
    ind = pd.read_csv(f"{src}/indicators.csv")
    v = pd.read_csv(f"{src}/values.csv")
    groups = pd.read_csv(f"{src}/groups.csv")
    load = time.perf_counter() - load

    start = time.perf_counter()
    s = v.sort_values(["city", "indicator", "year"], kind="stable")
    cur = s.groupby(["city", "indicator"], sort=False)[["year", "value"]].last()
    base = s[s["year"] >= 2015].groupby(["city", "indicator"], sort=False)[["year", "value"]].first()
    j = cur.merge(base, left_index=True, right_index=True, how="left", suffixes=("_c", "_b")).reset_index().merge(ind, on="indicator", how="left")
    j["score"] = score(j["direction"].to_numpy(), j["target"].to_numpy(dtype=float), j["year_c"].to_numpy(), j["value_c"].to_numpy(),
                       j["year_b"].to_numpy(), j["value_b"].to_numpy())
    j["status"] = status(j["direction"].to_numpy(), j["target"].to_numpy(dtype=float), j["year_c"].to_numpy(), j["value_c"].to_numpy(),
                         j["year_b"].to_numpy(), j["value_b"].to_numpy())
    progress = j[["city", "indicator", "score", "status"]]

    w = groups.pivot_table(index=["city", "indicator"], columns="group", values="value", aggfunc="first")
    gaps = pd.DataFrame({"absolute": w["women"] - w["men"], "ratio": w["women"] / w["men"]}).reset_index()

    latest = j[["city", "indicator", "goal", "direction", "value_c"]]
    by = latest.groupby("indicator")["value_c"]
    lo, hi = by.transform("min"), by.transform("max")
    share = np.where(latest["direction"] == "positive", (latest["value_c"] - lo) / (hi - lo), (hi - latest["value_c"]) / (hi - lo))
    normalised = latest.assign(n=100.0 * share)
    goals = normalised.groupby(["city", "goal"], as_index=False)["n"].mean().rename(columns={"n": "score"})
    index = goals.groupby("city", as_index=False)["score"].mean().rename(columns={"score": "index"})
    compute = time.perf_counter() - start
    return load, compute, progress, gaps, goals, index


def run_duckdb():
    import duckdb
    con = duckdb.connect()
    load = time.perf_counter()
    con.execute(f"CREATE TABLE ind AS SELECT * FROM read_csv('{src}/indicators.csv', header=true, columns={{'indicator': 'VARCHAR', 'goal': 'VARCHAR', 'direction': 'VARCHAR', 'target': 'DOUBLE'}})")
    con.execute(f"CREATE TABLE v AS SELECT * FROM read_csv('{src}/values.csv', header=true, columns={{'city': 'VARCHAR', 'indicator': 'VARCHAR', 'year': 'INTEGER', 'value': 'DOUBLE'}})")
    con.execute(f"CREATE TABLE g AS SELECT * FROM read_csv('{src}/groups.csv', header=true, columns={{'city': 'VARCHAR', 'indicator': 'VARCHAR', 'group': 'VARCHAR', 'value': 'DOUBLE'}})")
    load = time.perf_counter() - load

    start = time.perf_counter()
    con.execute("""
        CREATE TABLE series AS
        WITH cur AS (SELECT city, indicator, max(year) AS yc, arg_max(value, year) AS vc FROM v GROUP BY city, indicator),
             base AS (SELECT city, indicator, min(year) AS yb, arg_min(value, year) AS vb FROM v WHERE year >= 2015 GROUP BY city, indicator)
        SELECT cur.*, base.yb, base.vb, ind.goal, ind.direction, CASE WHEN ind.target = 0 THEN 0.001 ELSE ind.target END AS t
        FROM cur JOIN base USING (city, indicator) JOIN ind USING (indicator)""")
    con.execute("""
        CREATE TABLE progress AS
        WITH k AS (SELECT *, CASE WHEN yb < yc THEN pow(vc / vb, 1.0 / (yc - yb)) - 1 END AS cagr,
                            CASE WHEN yb < yc THEN pow(t / vb, 1.0 / (2030 - yb)) - 1 END AS req FROM series)
        SELECT city, indicator, CASE
            WHEN cagr IS NULL THEN NULL
            WHEN t IS NULL THEN greatest(-5.0, least(5.0, 250.0 * CASE WHEN direction = 'positive' THEN cagr ELSE -cagr END))
            WHEN (direction = 'positive' AND vc >= t) OR (direction = 'negative' AND vc <= t) THEN 5.0
            WHEN cagr / req > 0.6 THEN least(7.1429 * (cagr / req) - 4.2857, 5.0)
            ELSE greatest(4.1667 * (cagr / req) - 2.5, -5.0) END AS score,
        CASE
            WHEN cagr IS NULL THEN NULL
            WHEN t IS NOT NULL AND ((direction = 'positive' AND vc >= t) OR (direction = 'negative' AND vc <= t)) THEN 'target_achieved'
            WHEN t IS NOT NULL AND NOT isfinite(cagr / req) THEN NULL
            WHEN v >= (CASE WHEN t IS NULL THEN 0.015 ELSE 0.95 END) THEN 'substantial_progress'
            WHEN v >= (CASE WHEN t IS NULL THEN 0.005 ELSE 0.6 END) THEN 'moderate_progress'
            WHEN v >= 0 THEN 'negligible_progress'
            ELSE 'deterioration' END AS status
        FROM (SELECT *, CASE WHEN t IS NULL THEN (CASE WHEN direction = 'positive' THEN cagr ELSE -cagr END) ELSE cagr / req END AS v FROM k)""")
    con.execute("""
        CREATE TABLE gaps AS
        SELECT city, indicator, w - m AS absolute, w / m AS ratio FROM (
            SELECT city, indicator, max(value) FILTER (WHERE "group" = 'women') AS w, max(value) FILTER (WHERE "group" = 'men') AS m
            FROM g GROUP BY city, indicator)""")
    con.execute("""
        CREATE TABLE goals AS
        WITH n AS (
            SELECT city, goal, 100.0 * CASE WHEN direction = 'positive'
                THEN (vc - min(vc) OVER w) / (max(vc) OVER w - min(vc) OVER w)
                ELSE (max(vc) OVER w - vc) / (max(vc) OVER w - min(vc) OVER w) END AS n
            FROM series WINDOW w AS (PARTITION BY indicator))
        SELECT city, goal, avg(n) AS score FROM n GROUP BY city, goal""")
    con.execute("CREATE TABLE idx AS SELECT city, avg(score) AS \"index\" FROM goals GROUP BY city")
    compute = time.perf_counter() - start
    fetch = lambda t: con.execute(f"SELECT * FROM {t}").df()
    return load, compute, fetch("progress"), fetch("gaps"), fetch("goals"), fetch("idx")


load, compute, progress, gaps, goals, index = run_pandas() if impl == "pandas" else run_duckdb()
for name, frame in [("progress", progress), ("gaps", gaps), ("goals", goals), ("index", index)]:
    frame.to_csv(f"{out}/{name}.csv", index=False, float_format="%.17g")
print(json.dumps({"load_seconds": load, "compute_seconds": compute}))
