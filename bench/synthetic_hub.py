"""A synthetic Hub snapshot of any size for the lineage and scoring benchmarks (shape only, not realistic)."""

import duckdb

from pipelines.steps.denoise import NOISE_COLUMNS

AS_OF = "2026-11-01"


def model_id(expr: str) -> str:
    """SQL for the repo id of model number `expr`."""
    return f"'org' || ({expr}) % 5000 || '/m' || ({expr})"


def fill(con: duckdb.DuckDBPyConnection, n: int, days: int = 0) -> None:
    """n models (30% derivatives, 2% of those merges), int_model_noise, and `days` days of int_model_daily."""
    bases = int(n * 0.7)
    con.execute("CREATE OR REPLACE TEMP MACRO h(x, k, m) AS (hash(x, k) % m)::BIGINT")
    con.execute("INSERT INTO collection_runs (run_id, source, endpoint, as_of, started_at, status, sandbox) "
                f"VALUES ('bench', 'hf', 'bench', DATE '{AS_OF}', now(), 'ok', true)")
    con.execute(f"""
        INSERT INTO raw_hf_models (as_of, run_id, id, created_at, downloads, params, license, base_models)
        SELECT DATE '{AS_OF}', 'bench', {model_id('i')},
               TIMESTAMP '2024-06-01' + to_days((h(i, 1, 880))::INTEGER),
               (2e6 / (1 + h(i, 2, 200000)))::BIGINT,
               (['500000000', '7000000000', '14000000000', '70000000000', '400000000000'])[1 + h(i, 3, 5)]::BIGINT,
               (['apache-2.0', 'mit', 'llama3.1', 'other', 'gpl-3.0'])[1 + h(i, 4, 5)],
               CASE WHEN i < {bases} THEN []
                    WHEN h(i, 5, 50) = 0 THEN [
                        {{'relation': 'merge', 'parent': {model_id(f'h(i, 6, {bases})')}}},
                        {{'relation': 'merge', 'parent': {model_id('h(i, 7, i)')}}}]
                    ELSE [{{'relation': (['finetune', 'quantized', 'adapter'])[1 + h(i, 8, 3)],
                            'parent': {model_id('CASE WHEN h(i, 9, 3) = 0 THEN h(i, 6, i) '
                                                f'ELSE h(i, 6, {bases}) END')}}}]
               END
        FROM range({n}) t(i)""")
    con.execute(f"""
        CREATE OR REPLACE TABLE int_model_noise AS
        SELECT {NOISE_COLUMNS} FROM (
            SELECT id AS model_id, as_of, downloads AS raw_downloads_30d,
                   downloads * 0.8 AS organic_downloads_30d, 0.2 AS automation_share, '' AS noise_reasons,
                   false AS mostly_automation, 0.0 AS unseen_share, NULL AS mirror_of
            FROM raw_hf_models)""")
    if days:
        con.execute(f"""
            CREATE OR REPLACE TABLE int_model_daily AS
            SELECT id AS model_id, DATE '{AS_OF}' - (d + 1)::INTEGER AS day, downloads // 30 AS raw_downloads,
                   (downloads * 0.8 / 30 * (0.7 + 0.6 * h(id, d, 1000) / 1000))::BIGINT AS organic_downloads,
                   false AS imputed, false AS decreased
            FROM raw_hf_models, range({days}) t(d)""")
