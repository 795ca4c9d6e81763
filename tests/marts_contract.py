"""A small serving copy shaped exactly like docs/marts.md, for app work before the pipeline lands."""

import datetime as dt
import random
from pathlib import Path

import duckdb

COMPONENTS = ["adoption", "cohort_adoption", "momentum", "ecosystem", "community", "capability"]
LICENSES = [("apache-2.0", "permissive"), ("mit", "permissive"), ("gpl-3.0", "copyleft"),
            ("llama3", "restricted"), ("other", "unknown")]
SIZES = [(0.5, "<1B"), (7, "1-9B"), (14, "10-39B"), (70, "40-99B"), (405, "100B+")]


def write(path: Path, models: int = 120, days: int = 35, seed: int = 7) -> Path:
    """Write a fictional serving copy with every mart table; return its path."""
    rnd = random.Random(seed)
    as_of = dt.date(2026, 11, 20)
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE meta (key VARCHAR, value VARCHAR)")
    con.executemany("INSERT INTO meta VALUES (?, ?)", [
        ("data_kind", "sandbox"), ("methodology_version", "0.1"), ("default_profile", "balanced"),
        ("inputs_hash", "abc"),
        ("built_at", "2026-11-20T06:00:00"), ("as_of_hf", str(as_of)), ("as_of_github", str(as_of)),
        ("as_of_benchmarks", str(as_of))])
    rows, lineage = [], []
    roots = [f"acme-{i}/base-{i}" for i in range(6)]
    for i in range(models):
        mid = roots[i] if i < len(roots) else f"user{i}/model-{i}"
        family = roots[i % len(roots)]
        if i >= len(roots):
            lineage.append((mid, family, rnd.choice(["finetune", "quantized", "adapter", "merge"])))
        lic, lic_class = rnd.choice(LICENSES)
        params, size = rnd.choice(SIZES)
        raw = rnd.randint(100, 2_000_000)
        share = rnd.random() * 0.6
        comps = [rnd.uniform(0, 100) if rnd.random() > 0.1 else None for _ in COMPONENTS]
        present = [c for c in comps if c is not None]
        clean = comps[COMPONENTS.index("capability")]
        legacy = clean + rnd.uniform(0, 20) if clean is not None else None
        rows.append((mid, family, None, None, None, sum(present) / len(present), len(present) / len(COMPONENTS), *comps,
                     raw, int(raw * (1 - share)), share, "test_fixture;burst" if share > 0.4 else "",
                     rnd.random() * 0.3, share > 0.5,
                     rnd.randint(0, 50), rnd.randint(0, 30), rnd.randint(0, 20), rnd.randint(0, 5),
                     rnd.randint(0, 40), rnd.randint(0, 9000) or None, clean,
                     "livebench:2026-10-30" if clean is not None else None, legacy,
                     legacy - clean if clean is not None else None, lic, lic_class, params, size,
                     rnd.choice(["text-generation", "text-classification"]), rnd.random() > 0.2,
                     dt.datetime(2026, 1, 1) + dt.timedelta(days=i), rnd.randint(0, 500),
                     as_of, as_of, as_of, "0.1", "abc"))
    rows.sort(key=lambda r: -r[5])
    rows = [(r[0], r[1], n + 1, max(1, n - 3), n + 5, *r[5:]) for n, r in enumerate(rows)]
    con.execute(f"""CREATE TABLE mart_models (model_id VARCHAR, family VARCHAR, rank INTEGER, rank_low INTEGER,
        rank_high INTEGER, composite DOUBLE, coverage DOUBLE, {", ".join(c + " DOUBLE" for c in COMPONENTS)},
        raw_downloads_30d BIGINT, organic_downloads_30d BIGINT, automation_share DOUBLE, noise_reasons VARCHAR,
        unseen_share DOUBLE, mostly_automation BOOLEAN,
        derivatives_finetune BIGINT, derivatives_quantized BIGINT, derivatives_adapter BIGINT,
        derivatives_merge BIGINT, active_derivatives BIGINT, github_stars BIGINT, clean_score DOUBLE,
        clean_source VARCHAR, legacy_score DOUBLE, contamination_gap DOUBLE, license VARCHAR,
        license_class VARCHAR, params_b DOUBLE, size_class VARCHAR, pipeline_tag VARCHAR, open_weight BOOLEAN,
        created_at TIMESTAMP, likes BIGINT, as_of_hf DATE, as_of_github DATE, as_of_benchmarks DATE,
        methodology_version VARCHAR, inputs_hash VARCHAR)""")
    con.executemany(f"INSERT INTO mart_models VALUES ({', '.join(['?'] * 42)})", rows)
    con.execute("""CREATE TABLE mart_scores AS
        SELECT 'model' AS entity_kind, model_id AS entity_id, p.profile, composite, coverage, rank, rank_low,
               rank_high, pipeline_tag, license_class, size_class, open_weight
        FROM mart_models, (VALUES ('balanced'), ('capability')) p(profile)""")
    con.execute("""CREATE TABLE mart_families AS
        SELECT family, count(*) AS members, sum(raw_downloads_30d) AS raw_downloads_30d,
               sum(organic_downloads_30d) AS organic_downloads_30d,
               sum(organic_downloads_30d) / sum(sum(organic_downloads_30d)) OVER () AS organic_share,
               sum(derivatives_finetune) AS derivatives_finetune, sum(derivatives_quantized) AS derivatives_quantized,
               sum(derivatives_adapter) AS derivatives_adapter, sum(derivatives_merge) AS derivatives_merge,
               sum(active_derivatives) AS active_derivatives, arg_max(model_id, organic_downloads_30d) AS top_model,
               max(github_stars) AS github_stars, max(clean_score) AS clean_score, avg(composite) AS composite,
               (row_number() OVER (ORDER BY avg(composite) DESC))::INTEGER AS rank,
               greatest(1, rank() OVER (ORDER BY avg(composite) DESC) - 1)::INTEGER AS rank_low,
               (rank() OVER (ORDER BY avg(composite) DESC) + 1)::INTEGER AS rank_high,
               avg(coverage) AS coverage, max(as_of_hf) AS as_of_hf, max(as_of_github) AS as_of_github,
               max(as_of_benchmarks) AS as_of_benchmarks, '0.1' AS methodology_version, 'abc' AS inputs_hash,
               max(adoption) AS adoption, max(cohort_adoption) AS cohort_adoption, max(momentum) AS momentum,
               max(ecosystem) AS ecosystem, max(community) AS community, max(capability) AS capability,
               any_value(size_class) AS size_class, bool_and(mostly_automation) AS mostly_automation
        FROM mart_models GROUP BY family""")
    con.execute("""INSERT INTO mart_scores SELECT 'family', f.family, p.profile, f.composite, f.coverage, f.rank,
        f.rank_low, f.rank_high, r.pipeline_tag, r.license_class, r.size_class, coalesce(r.open_weight, false)
        FROM mart_families f LEFT JOIN mart_models r ON r.model_id = f.family,
             (VALUES ('balanced'), ('capability')) p(profile)""")
    con.execute(f"""CREATE TABLE mart_model_daily AS
        SELECT model_id, DATE '{as_of}' - d::INTEGER AS day, (raw_downloads_30d / 30 + d * 7)::BIGINT AS raw_downloads,
               (organic_downloads_30d / 30 + d * 5)::BIGINT AS organic_downloads, d = 3 AS imputed
        FROM mart_models, range({days}) r(d)""")
    con.execute("""CREATE TABLE mart_family_daily AS
        SELECT m.family, d.day, sum(d.organic_downloads) AS organic_downloads,
               count(*) FILTER (WHERE m.created_at <= d.day) AS derivatives
        FROM mart_model_daily d JOIN mart_models m USING (model_id) GROUP BY ALL""")
    con.execute("CREATE TABLE mart_lineage (child VARCHAR, parent VARCHAR, relation VARCHAR)")
    con.executemany("INSERT INTO mart_lineage VALUES (?, ?, ?)", lineage)
    con.execute("""CREATE TABLE mart_benchmarks AS
        SELECT 'livebench' AS source, '2026-10-30' AS release, split_part(model_id, '/', 2) AS model,
               model_id AS hf_id, family, 'global' AS category, clean_score AS score, 120 AS n_items,
               DATE '2026-06-01' AS window_start, DATE '2026-10-30' AS window_end, 'clean' AS kind
        FROM mart_models WHERE clean_score IS NOT NULL
        UNION ALL SELECT 'livebench', '2026-10-30', 'Mystery-Model-9B', NULL, NULL, 'global', 41.5, 120,
               DATE '2026-06-01', DATE '2026-10-30', 'clean'""")
    con.execute("""CREATE TABLE collection_runs (run_id VARCHAR, source VARCHAR, endpoint VARCHAR, as_of DATE,
        started_at TIMESTAMP, finished_at TIMESTAMP, status VARCHAR, requests INTEGER, retries INTEGER,
        rows_written BIGINT, error VARCHAR, sandbox BOOLEAN)""")
    con.execute("""INSERT INTO collection_runs VALUES
        ('hf-1', 'hf', 'http://127.0.0.1:1/', DATE '2026-11-20', TIMESTAMP '2026-11-20 05:00',
         TIMESTAMP '2026-11-20 05:02', 'ok', 120, 2, 5000, NULL, true),
        ('github-1', 'github', 'http://127.0.0.1:1/', DATE '2026-11-20', TIMESTAMP '2026-11-20 05:03',
         TIMESTAMP '2026-11-20 05:04', 'failed', 10, 3, 0, 'HTTP 502 after 3 retries', true)""")
    con.close()
    return path
