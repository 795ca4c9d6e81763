-- Families with a local-pulls or API-tokens figure, side by side with Hub organic downloads (30 days each).
SELECT * FROM mart_channel_families
