-- The weights of every scoring profile (docs/marts.md), so that the app shows and explains ranks from the marts
-- alone; position orders the components as docs/methodology.md lists them.
SELECT profile, component, weight, position FROM profile_weights ORDER BY profile, position
