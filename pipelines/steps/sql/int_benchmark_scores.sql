-- Clean benchmark scores per source, release, model and category, with the names matching needs.
-- LiveBench (every release): a category = mean of its non-empty task scores; `global` = mean of the
--   categories, only when every category has a score (livebench.ai's Averaging.js).
-- LiveCodeBench (latest snapshot): `global` = mean pass@1 over problems dated after the model's release
--   (the contamination-free window), NULL below $min_problems problems; `all_problems` = mean over all.
WITH lb_meta AS (
    SELECT * FROM raw_livebench_models
    WHERE as_of = (SELECT max(as_of) FROM raw_livebench_models)
),
lb_category AS (
    SELECT release, model, category, avg(score) AS score, count(score) AS n_tasks
    FROM raw_livebench_scores
    WHERE category IS NOT NULL
    GROUP BY ALL
),
lb_global AS (
    SELECT release, model, 'global' AS category,
           CASE WHEN count(score) = count(*) THEN avg(score) END AS score,
           sum(n_tasks) AS n_tasks
    FROM lb_category
    GROUP BY ALL
),
livebench AS (
    SELECT 'livebench' AS source, s.release, s.model, s.category, s.score,
           NULL::BIGINT AS n_items, s.n_tasks,
           NULL::DATE AS window_start, s.release AS window_end, 'clean' AS kind,
           m.display_name, m.organization, m.version_date AS model_date, m.openweight AS open_weight,
           m.reasoner, m.url AS link, list_distinct(list_concat(m.api_names, m.aliases)) AS other_names
    FROM (SELECT * FROM lb_category UNION ALL BY NAME SELECT * FROM lb_global) AS s
    LEFT JOIN lb_meta AS m USING (model)
),
lcb_rows AS (
    SELECT * FROM raw_livecodebench_results
    WHERE as_of = (SELECT max(as_of) FROM raw_livecodebench_results)
),
lcb_span AS (
    SELECT min(problem_date) AS first_problem, max(problem_date) AS last_problem FROM lcb_rows
),
lcb_model AS (
    SELECT as_of, model, any_value(model_name) AS model_name, any_value(model_release_date) AS released,
           any_value(link) AS link,
           avg(pass_at_1) AS all_score, count(*) AS all_n,
           avg(pass_at_1) FILTER (WHERE problem_date > model_release_date) AS clean_score,
           count(*) FILTER (WHERE problem_date > model_release_date) AS clean_n
    FROM lcb_rows
    GROUP BY as_of, model
),
livecodebench AS (
    SELECT 'livecodebench' AS source, m.as_of AS release, m.model, c.category, c.score,
           c.n_items, NULL::BIGINT AS n_tasks, c.window_start, s.last_problem AS window_end, c.kind,
           NULL::VARCHAR AS display_name, NULL::VARCHAR AS organization, m.released AS model_date, NULL::BOOLEAN AS open_weight, NULL::BOOLEAN AS reasoner, m.link,
           list_filter([m.model_name], lambda n: n IS NOT NULL) AS other_names
    FROM lcb_model AS m, lcb_span AS s,
         LATERAL (VALUES
             ('global', 'clean', CASE WHEN m.clean_n >= $min_problems THEN m.clean_score END, m.clean_n,
              m.released + 1),
             ('all_problems', 'all_problems', m.all_score, m.all_n, s.first_problem)
         ) AS c(category, kind, score, n_items, window_start)
)
SELECT * FROM livebench
UNION ALL BY NAME
SELECT * FROM livecodebench
