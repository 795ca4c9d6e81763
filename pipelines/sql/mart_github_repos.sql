-- The app's view of GitHub: one row per tracked repository with its figures, provenance and the models linked to it.
SELECT g.*, count(m.model_id) AS models_linked
FROM github_repo_stats g
LEFT JOIN model_github m ON m.repo = g.current_name
GROUP BY ALL
ORDER BY g.stars DESC NULLS LAST, g.repo
