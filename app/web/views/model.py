"""Model page: every component from raw input to score, the lineage tree and history charts."""

import pandas as pd
import streamlit as st

from app.web import charts, noise_reasons, queries, tables
from app.web.page_header import page_header
from app.web.url_pick import url_pick
from pipelines.serving import format as fmt
from pipelines.serving import why_rank

CHILDREN = 15


def new_search() -> None:
    """A new search shows its first match: the model in the address gives way."""
    st.query_params.pop("model", None)


meta = page_header("Model")
text = st.text_input("Find a model by id", key="model_search", placeholder="owner/name or part of it",
                     on_change=new_search)
matches = queries.run("model_search", text=text or "", limit=50)["model_id"].tolist()

m = url_pick("model", "model", matches, "Model", key="model_pick",
             empty=f"No model id contains {text!r}.",
             unknown="Unknown model id {shown}: no model with that id in the published data. "
                     "Expected a Hugging Face repo id such as owner/name; search for one below.")

st.header(m["model_id"])
st.page_link("views/family.py", label=f"Family {m['family']}", query_params={"family": m["family"]},
             icon=":material/account_tree:")
size = "size unknown" if fmt.missing(m["params_b"]) else f"{m['size_class']} ({fmt.score(m['params_b'])}B params)"
st.caption(f"license {m['license']} ({m['license_class']}) · {size} · {m['pipeline_tag']} · "
           f"{fmt.gating(m['open_weight'])} · created {fmt.date(m['created_at'])}")
cols = st.columns(5)
tables.rank_metric(cols[0], m)
cols[1].metric("Composite", fmt.score(m["composite"]))
cols[2].metric("Coverage", fmt.pct(m["coverage"]))
cols[3].metric("Organic downloads, 30 d", fmt.compact(m["organic_downloads_30d"]))
cols[4].metric("Automation share", fmt.pct(m["automation_share"]))
weights = queries.weights()[meta["default_profile"]]
why = why_rank.sentence(m.to_dict(), weights, int(m["ranked"]))  # an unranked model's opens 'Not ranked: <reason>'
st.info(why if fmt.missing(m["rank"]) else f"**Why {fmt.rank(m['rank'])}:** {why}", icon=":material/help:")

st.subheader("From raw input to score")
source, _, release = ("benchmarks" if fmt.missing(m["clean_source"]) else m["clean_source"]).partition(":")
inputs = pd.DataFrame([
    ("adoption", m["adoption"], f"{fmt.compact(m['organic_downloads_30d'])} organic downloads in 30 days "
     f"(raw {fmt.compact(m['raw_downloads_30d'])}) against the most downloaded model",
     f"Hugging Face, {fmt.date(m['as_of_hf'])}"),
    ("adoption in its class", m["cohort_adoption"], f"the same downloads against {m['size_class']} models of "
     "its age (RAM)", f"Hugging Face, {fmt.date(m['as_of_hf'])}"),
    ("momentum", m["momentum"], "trend of daily organic downloads (chart below)",
     f"Hugging Face, {fmt.date(m['as_of_hf'])}"),
    ("ecosystem", m["ecosystem"], f"{fmt.compact(m['active_derivatives'])} active derivatives",
     f"Hugging Face lineage, {fmt.date(m['as_of_hf'])}"),
    ("community", m["community"],
     ("no linked GitHub repository" if fmt.missing(m["github_stars"]) else f"{fmt.compact(m['github_stars'])} GitHub "
      "stars") + f", {fmt.compact(m['likes'])} likes",
     "GitHub, " + ("not collected" if fmt.missing(m["as_of_github"]) else fmt.date(m["as_of_github"]))),
    ("capability", m["capability"],
     "no clean benchmark score" if fmt.missing(m["clean_score"]) else
     f"clean score {fmt.score(m['clean_score'])} ({m['clean_source']})",
     f"{source}, {fmt.release_read(release, m['as_of_benchmarks'])}"),
    ("local use", m["local_use"],
     "no matched Ollama library model" if fmt.missing(m["local_pulls_30d"]) else
     f"{fmt.compact(m['local_pulls_30d'])} Ollama pulls in 30 days against the most pulled model",
     "Ollama, " + ("not matched" if fmt.missing(m["as_of_local"]) else fmt.date(m["as_of_local"]))),
    ("API use", m["api_use"],
     "no matched OpenRouter model" if fmt.missing(m["api_tokens_30d"]) else
     f"{fmt.compact(m['api_tokens_30d'])} OpenRouter tokens in 30 days against the most used model",
     "OpenRouter, " + ("not matched" if fmt.missing(m["as_of_api"]) else fmt.date(m["as_of_api"]))),
], columns=["Component", "Score, 0-100", "Raw input", "Source, as of"])
inputs["Score, 0-100"] = inputs["Score, 0-100"].map(
    lambda v: "missing (not counted)" if fmt.missing(v) else fmt.score(v))
st.table(inputs, hide_index=True)  # a static table wraps its text: a grid cuts the last column at 1280 px
st.caption(f"Composite {fmt.score(m['composite'])} = weighted mean of the present components under the default "
           f"profile; coverage {fmt.pct(m['coverage'])} of the weight is present. "
           f"Methodology {m['methodology_version']}, inputs {m['inputs_hash']}.")
scores = queries.run("model_scores", model_id=m["model_id"])
scores["rank"] = ["unranked" if fmt.missing(r) else fmt.rank(r, lo, hi)
                  for r, lo, hi in zip(scores["rank"], scores["rank_low"], scores["rank_high"], strict=True)]
scores["coverage"] = scores["coverage"] * 100
tables.table(scores, {"profile": tables.text("Weight profile"), "rank": tables.text("Rank (90% interval)"),
                      "composite": tables.number("Composite", "%.1f"), "coverage": tables.number("Coverage", "%.0f%%")})

left, right = st.columns(2)
with left:
    st.subheader("Downloads: raw vs organic")
    removed = (m["raw_downloads_30d"] or 0) - (m["organic_downloads_30d"] or 0)
    reasons = noise_reasons.codes(m["noise_reasons"])
    st.write(f"{fmt.compact(removed)} of {fmt.compact(m['raw_downloads_30d'])} downloads in 30 days removed as "
             f"CI/automation ({fmt.pct(m['automation_share'])}). " + ("Why:" if reasons else "No noise detected."))
    if reasons:
        st.markdown("\n".join(f"- `{r}`: {noise_reasons.meaning(r)}" for r in reasons))
    if not fmt.missing(m["mirror_of"]):
        st.page_link("views/model.py", label=f"Read as a re-upload of {m['mirror_of']} (more likes, created earlier, "
                     "same name stem and library)", query_params={"model": m["mirror_of"]})
    if (m["unseen_share"] or 0) > 0:
        st.caption(f"{fmt.pct(m['unseen_share'])} of the 30-day count falls on days without a daily figure "
                   "(before this warehouse's first snapshot, or before the model was listed): attributed, not "
                   "observed.")
    daily = queries.run("model_daily", model_id=m["model_id"])
    growth = queries.run("model_snapshot_growth", model_id=m["model_id"])
    if daily.empty:
        st.info("No daily series for this model: not enough daily data (it takes two snapshots no more than 7 "
                "days apart).")
    if len(growth) > 1:
        st.caption("30-day downloads at each snapshot, months apart (growth between snapshots, not a daily series):")
        tables.table(growth, {"as_of": tables.text("Snapshot"),
                              "downloads_30d": tables.number("Downloads 30 d", "compact"),
                              "downloads_30d_ratio": tables.number("Change since the one before (x)", "%.2f")})
    if not daily.empty:
        st.altair_chart(charts.downloads_history(daily))
        if daily["imputed"].any():
            st.caption("Diamonds mark imputed days (a gap in the snapshots filled with the average).")
with right:
    st.subheader("Derivatives and community")
    st.caption("Direct children by the relation their Hub tags give (unknown: the tag names this model without a "
               "relation, as the 2024 snapshots' tags do).")
    d = st.columns(5)
    for col, relation in zip(d, ["finetune", "quantized", "adapter", "merge", "unknown"], strict=True):
        col.metric(relation, fmt.compact(m[f"derivatives_{relation}"]))
    st.write(f"**{fmt.compact(m['active_derivatives'])}** active derivatives (descendants with real organic use). "
             + (f"**{fmt.compact(m['github_stars'])}** GitHub stars; their growth feeds the community score "
                f"({fmt.score(m['community'])})." if not fmt.missing(m["github_stars"]) else
                "No GitHub repository is linked, so there is no community score."))
    if m["github_repo"]:
        st.caption(f"GitHub: {m['github_repo']} (linked by {m['github_link_source']}), "
                   f"{fmt.compact(m['github_stars_growth_30d'])} stars in the last 30 days, "
                   f"as of {fmt.date(m['as_of_github'])}.")
    st.subheader("Benchmarks: clean vs legacy")
    if fmt.missing(m["clean_score"]) and fmt.missing(m["legacy_score"]):
        st.write("No clean benchmark score and no legacy claim is matched to this model.")
    else:
        st.write(f"Clean {fmt.score(m['clean_score'])} ({m['clean_source'] or 'no clean score'}) · legacy claim "
                 f"{fmt.score(m['legacy_score'])} · contamination gap {fmt.score(m['contamination_gap'])}")
    bench = queries.run("model_benchmarks", model_id=m["model_id"])
    if not bench.empty:
        bench["source"] = bench["source"] + " " + bench["release"].fillna("").astype(str)
        tables.table(bench, {"source": tables.text("Source and release"), "category": tables.text("Category"),
                             "kind": tables.text("Kind"), "score": tables.number("Score", "%.1f")},
                     height=min(38 + 35 * len(bench), 300))

st.subheader("Lineage")
st.page_link("views/family.py", label=f"Every member of the family {m['family']}", query_params={"family": m["family"]},
             icon=":material/account_tree:")
up, down = st.columns(2)
with up:
    st.write("**Parents**, up to the family root")
    ancestors = queries.run("model_ancestors", model_id=m["model_id"])
    if ancestors.empty:
        st.write("None: this model is a root.")
    else:
        tables.table(ancestors, {"parent": tables.link("Parent"),
                                 "child is a": tables.text("Its child is a")})
with down:
    st.write(f"**Largest children** (top {CHILDREN} by organic downloads)")
    children = queries.run("model_children", model_id=m["model_id"], limit=CHILDREN)
    if children.empty:
        st.write("None recorded.")
    else:
        children["rank"] = children["rank"].map(fmt.rank)
        tables.table(children, {"child": tables.link("Child"), "relation": tables.text("Relation"),
                                "organic_downloads_30d": tables.number("Organic 30 d", "compact"),
                                "rank": tables.text("Rank")})
