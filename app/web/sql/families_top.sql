SELECT family, members, organic_downloads_30d, organic_share, active_derivatives,
       derivatives_finetune, derivatives_quantized, derivatives_adapter, derivatives_merge, derivatives_unknown,
       top_model, rank, rank_low, rank_high, composite
FROM mart_families ORDER BY organic_downloads_30d DESC NULLS LAST, family LIMIT $limit
