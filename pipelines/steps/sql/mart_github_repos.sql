-- The app's view of GitHub: one row per tracked repository with its figures, provenance and the models linked to it.
SELECT g.*, count(m.model_id) AS models_linked
FROM int_github_repo_stats g
LEFT JOIN int_model_github m ON m.repo = g.current_name
GROUP BY ALL
ORDER BY g.stars DESC NULLS LAST, g.repo
