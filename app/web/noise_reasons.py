"""What each de-noising reason code means, in a sentence a reader of the app can act on (docs/denoising.md)."""

REASONS = {
    "test_fixture": "named or owned like a CI test fixture (tiny-random-*, *-internal-testing) and small: "
                    "every download counts as automation",
    "burst": "days far above the model's own rolling median: the excess over the median is removed",
    "weekday_only": "working days far above weekends, beyond the usual weekend dip: the weekday excess is removed",
    "floor": "a flat, scheduled level far steadier than people's downloads, as nightly jobs produce: that level is "
             "removed on each day it ran (none on a missed night, twice on a re-run)",
    "mirror": "a re-upload of a model that clearly leads it in likes, under its name (up to case, punctuation or a "
              "word like -copy) and with its library and format, by another owner, with at most 2 likes and no "
              "derivatives of its own and flat or out-of-line traffic: every download counts as automation",
    "engagement_outlier": "far more downloads than its likes and derivatives predict for its size: "
                          "flagged only when daily data sizes the automation; without daily data (archived "
                          "snapshots), the downloads beyond what they explain are removed",
}


def codes(reasons: str | None) -> list[str]:
    """The reason codes of a `noise_reasons` value (';'-separated, empty when none)."""
    return [r for r in (reasons or "").split(";") if r]


def meaning(code: str) -> str:
    """The sentence for a reason code; an unknown code says so rather than guessing."""
    return REASONS.get(code, "a reason this version of the app does not describe")
