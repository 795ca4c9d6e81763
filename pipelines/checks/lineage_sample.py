"""Run the lineage step on an edge list (source,target,edge CSV) and print a Markdown report.

Usage: python -m pipelines.checks.lineage_sample ../shared/data/hf/lineage_edges_sample.csv [--top 15]
"""

import argparse
import logging
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pacsv

from pipelines import profiles
from pipelines.steps import lineage, step_inputs

log = logging.getLogger(__name__)
# The sample's edge names -> the Hub's relation names.
RELATIONS = {"finetuned": "finetune", "quantized": "quantized", "adapter": "adapter", "merged": "merge"}


def load_edges(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Write stg_lineage_edges and int_lineage_nodes from a source,target,edge CSV (row order = parent order)."""
    table = pacsv.read_csv(path)
    expected = {"source", "target", "edge"}
    if not expected <= set(table.column_names):
        raise ValueError(f"{path} has columns {table.column_names}; expected at least {sorted(expected)}")
    con.register("_edges", table.append_column("row", pa.array(range(len(table)))))
    unknown = con.execute("SELECT DISTINCT edge FROM _edges WHERE NOT list_contains(?, edge)",
                          [list(RELATIONS)]).fetchall()
    if unknown:
        raise ValueError(f"{path}: unknown edge kind(s) {[u for (u,) in unknown]}; expected one of {list(RELATIONS)}")
    con.execute("""CREATE OR REPLACE TABLE stg_lineage_edges AS
        SELECT target AS child, source AS parent, map_extract_value(map(?::VARCHAR[], ?::VARCHAR[]), edge) AS relation,
               row_number() OVER (PARTITION BY target ORDER BY row)::INTEGER AS parent_order
        FROM _edges""", [list(RELATIONS), list(RELATIONS.values())])
    con.execute("""CREATE OR REPLACE TABLE int_lineage_nodes AS
        SELECT id AS model_id, NULL::BIGINT AS organic_downloads_30d
        FROM (SELECT source AS id FROM _edges UNION SELECT target FROM _edges)""")
    con.unregister("_edges")


def report(con: duckdb.DuckDBPyConnection, path: Path, top: int, seconds: float) -> str:
    """Markdown: totals, issues, relation mix, the largest families and the models with most direct children."""
    edges, nodes, families = con.execute("""SELECT (SELECT count(*) FROM int_lineage_edges),
        (SELECT count(*) FROM int_lineage_nodes), (SELECT count(DISTINCT family) FROM int_model_family)""").fetchone()
    out = [f"Input: `{path.name}`, {edges:,} distinct edges (self-references and broken cycle edges removed) "
           f"over {nodes:,} models in {families:,} families; lineage step took {seconds:.2f}s.", ""]
    out += ["Issues found:", "", table(con, "SELECT issue, count(*) AS models FROM int_lineage_issues GROUP BY 1 "
                                              "ORDER BY 1"), ""]
    out += ["Relation mix of all edges:", "", table(con, """SELECT relation, count(*) AS edges,
        round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS pct
        FROM int_lineage_edges GROUP BY 1 ORDER BY 2 DESC"""), ""]
    out += ["Depth of models below their family root:", "", table(con, """SELECT depth, count(*) AS models
        FROM int_model_family GROUP BY 1 ORDER BY 1"""), ""]
    out += [f"The {top} largest families (members include the root; relation = a member's relation to the "
            "first listed parent, the one its family follows):", "", table(con, f"""
        WITH members AS (
            SELECT f.family, f.model_id, f.depth, e.relation
            FROM int_model_family f LEFT JOIN int_lineage_edges e ON e.child = f.model_id AND e.parent_order = 1)
        SELECT family, count(*) AS members, max(depth) AS max_depth,
               count(*) FILTER (WHERE relation = 'finetune') AS finetune,
               count(*) FILTER (WHERE relation = 'quantized') AS quantized,
               count(*) FILTER (WHERE relation = 'adapter') AS adapter,
               count(*) FILTER (WHERE relation = 'merge') AS merge
        FROM members GROUP BY family ORDER BY members DESC, family LIMIT {top}"""), ""]
    out += [f"The {top} models with most descendants (direct children per relation; descendants are distinct "
            "models below along all edges):", "", table(con, f"""SELECT model_id, derivatives_finetune AS finetune,
        derivatives_quantized AS quantized, derivatives_adapter AS adapter, derivatives_merge AS merge, descendants
        FROM int_model_derivatives ORDER BY descendants DESC, model_id LIMIT {top}""")]
    return "\n".join(out)


def table(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """A query result as a Markdown table."""
    result = con.execute(sql)
    names = [d[0] for d in result.description]
    rows = [" | ".join(str(v) for v in row) for row in result.fetchall()]
    return "\n".join([" | ".join(names), " | ".join("---" for _ in names), *rows])


def main(argv: list[str] | None = None) -> None:
    """Command line: lineage report for an edge CSV."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("edges", type=Path, help="CSV with columns source,target,edge")
    parser.add_argument("--top", type=int, default=15, help="rows in the top-N tables (default 15)")
    args = parser.parse_args(argv)
    con = duckdb.connect()
    step_inputs.write_settings(con, profiles.load())
    step_inputs.optional_views(con)
    load_edges(con, args.edges)
    began = time.perf_counter()
    lineage.derive(con)
    print(report(con, args.edges, args.top, time.perf_counter() - began))


if __name__ == "__main__":
    main()
