"""Lineage and families: edges from the latest Hub snapshot, family roots, derivative counts."""

import logging

import duckdb
import numpy as np
import pyarrow as pa

from pipelines.profiles import Config
from pipelines.steps import step_inputs
from pipelines.steps.sql_step import run_sql_step

log = logging.getLogger(__name__)


def build(con: duckdb.DuckDBPyConnection, config: Config) -> None:
    """Build step: lineage of the latest raw_hf_models slice."""
    step_inputs.optional_views(con, reads=("int_model_noise",))
    run_sql_step(con, "stg_lineage_edges")
    run_sql_step(con, "int_lineage_nodes")
    derive(con)


def derive(con: duckdb.DuckDBPyConnection) -> None:
    """From stg_lineage_edges and int_lineage_nodes: int_lineage_edges, int_model_family, int_model_derivatives and
    int_lineage_issues."""
    run_sql_step(con, "int_lineage_edges")
    families(con)
    run_sql_step(con, "int_lineage_issues")
    run_sql_step(con, "int_model_derivatives")
    for issue, n in con.execute("SELECT issue, count(*) FROM int_lineage_issues GROUP BY 1 ORDER BY 1").fetchall():
        log.log(logging.WARNING if issue == "cycle_broken" else logging.INFO,
                "lineage: %d model(s) with %s (see int_lineage_issues)", n, issue)


def families(con: duckdb.DuckDBPyConnection) -> None:
    """Write int_model_family: each model's root along first-listed parents, with cycles broken and reported."""
    con.execute("""CREATE OR REPLACE TEMP TABLE int_lineage_ids AS
        SELECT id, (row_number() OVER (ORDER BY id) - 1)::BIGINT AS code FROM (
            SELECT model_id AS id FROM int_lineage_nodes UNION SELECT child FROM int_lineage_edges
            UNION SELECT parent FROM int_lineage_edges)""")
    [(n,)] = con.execute("SELECT count(*) FROM int_lineage_ids").fetchall()
    child, parent = con.execute("""SELECT c.code, p.code FROM int_lineage_edges e
        JOIN int_lineage_ids c ON c.id = e.child JOIN int_lineage_ids p ON p.id = e.parent
        WHERE e.parent_order = 1""").fetchnumpy().values()
    first_parent = np.arange(n, dtype=np.int64)
    first_parent[child] = parent
    broken = break_cycles(first_parent)
    root, depth = roots(first_parent)
    con.register("_family", pa.table({"code": np.arange(n), "root": root, "depth": depth}))
    con.register("_broken", pa.table({"child": [c for c, _ in broken], "parent": [p for _, p in broken]},
                                     schema=pa.schema([("child", pa.int64()), ("parent", pa.int64())])))
    try:
        con.execute("""CREATE OR REPLACE TABLE int_model_family AS
            SELECT m.id AS model_id, r.id AS family, f.depth::INTEGER AS depth
            FROM _family f JOIN int_lineage_ids m ON m.code = f.code JOIN int_lineage_ids r ON r.code = f.root
            WHERE m.id IN (SELECT model_id FROM int_lineage_nodes)""")
        con.execute("""CREATE OR REPLACE TEMP TABLE int_lineage_broken AS
            SELECT c.id AS child, p.id AS parent FROM _broken b
            JOIN int_lineage_ids c ON c.code = b.child JOIN int_lineage_ids p ON p.code = b.parent""")
        con.execute("DELETE FROM int_lineage_edges e USING int_lineage_broken b "
                    "WHERE e.child = b.child AND e.parent = b.parent")
    finally:
        con.unregister("_family")
        con.unregister("_broken")


def roots(first_parent: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Root and depth of every node of an acyclic parent array (roots point at themselves), by pointer jumping."""
    ptr = first_parent.copy()
    depth = (ptr != np.arange(len(ptr))).astype(np.int64)
    while (first_parent[ptr] != ptr).any():
        depth = depth + depth[ptr]
        ptr = ptr[ptr]
    return ptr, depth


def break_cycles(first_parent: np.ndarray) -> list[tuple[int, int]]:
    """Make the lowest node of each cycle a root (in place); return the dropped (child, parent) edges."""
    # Pointer jumping brings every node whose chain ends at a root onto it within log2(depth) rounds; nodes
    # still off a root once their count stops falling lead into a cycle, and only those are walked one by one.
    is_root = first_parent == np.arange(len(first_parent))
    ptr, left = first_parent.copy(), len(first_parent) + 1
    while True:
        unsettled = np.flatnonzero(~is_root[ptr])
        if len(unsettled) == 0:
            return []
        if len(unsettled) >= left:
            break
        left = len(unsettled)
        ptr = ptr[ptr]
    broken, seen = [], set()
    for start in unsettled.tolist():
        path, node = [], start
        while node not in seen:
            seen.add(node)
            path.append(node)
            node = int(first_parent[node])
        if node in path:  # a new cycle: path[path.index(node):]
            low = min(path[path.index(node):])
            broken.append((low, int(first_parent[low])))
            first_parent[low] = low
    return broken
