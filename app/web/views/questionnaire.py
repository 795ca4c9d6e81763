"""Questionnaire: answer a built-in questionnaire and get a shortlist with reasons and caveats."""

import pandas as pd
import streamlit as st

from app.web import queries
from app.web.page_header import page_header
from pipelines.serving import format as fmt
from pipelines.serving import questionnaire as qn
from pipelines.serving import questionnaire_picks

meta = page_header("Questionnaire")
profiles_file = queries.settings().profiles
names = qn.builtin_names()
name = st.selectbox("Questionnaire", names, format_func=lambda n: qn.load(n, profiles_file).title, key="questionnaire")
questionnaire = qn.load(name, profiles_file)
st.write(questionnaire.description)


def widget(q: dict):
    """The input for one question, starting at its default."""
    key, label, default = f"{name}.{q['id']}", q["prompt"], q.get("default")
    if q["type"] in ("choice", "multi_choice"):
        labels = {o["value"]: o.get("label", o["value"]) for o in q["options"]}
        if q["type"] == "choice":
            values = list(labels)
            return st.radio(label, values, index=values.index(default) if default in values else 0,
                            format_func=labels.get, key=key)
        return st.multiselect(label, list(labels), default=default or [], format_func=labels.get, key=key)
    if q["type"] == "boolean":
        return st.toggle(label, value=bool(default), key=key)
    whole = all(isinstance(v, int) for v in (q["min"], q["max"], default if default is not None else 0))
    cast = int if whole else float
    return st.number_input(label, min_value=cast(q["min"]), max_value=cast(q["max"]),
                           value=cast(default if default is not None else q["min"]), key=key)


with st.form(f"form.{name}"):
    answers = {q["id"]: widget(q) for q in questionnaire.questions}
    top = st.number_input("How many picks", min_value=1, max_value=25, value=5, key=f"{name}.top")
    submitted = st.form_submit_button("Show my shortlist", type="primary")

if submitted:
    try:
        answers = qn.check_answers(questionnaire, answers)
    except qn.QuestionnaireError as exc:
        st.error(str(exc))
        st.stop()
    cur = queries.cursor()
    try:
        result = questionnaire_picks.recommend(cur, questionnaire, answers, top=top)
    finally:
        cur.close()
    st.subheader("Shortlist")
    st.caption(f"Models meeting every applied constraint: {result.matched:,} · "
               f"weights: {questionnaire_picks.weights_text(result.plan)}")
    for note in result.notes:
        st.warning(note)
    if not result.picks:
        st.info("No model meets every applied constraint: relax an answer and try again.")
        st.stop()
    st.caption(questionnaire_picks.order_text(result.plan))
    st.dataframe(pd.DataFrame([{"#": i, "model": p.model_id, "family": p.family, "questionnaire score": p.score,
                                "questionnaire coverage": fmt.pct(p.coverage), "caveats": len(p.caveats)}
                               for i, p in enumerate(result.picks, 1)]), hide_index=True,
                 column_config={"questionnaire score": st.column_config.ProgressColumn(min_value=0, max_value=100,
                                                                                      format="%.1f")})
    for i, p in enumerate(result.picks, 1):
        with st.container(border=True):
            st.markdown(f"**{i}. {p.model_id}** · family `{p.family}` · questionnaire score {fmt.score(p.score)} "
                        f"(coverage {fmt.pct(p.coverage)})")
            st.caption(f"Leaderboard ({result.questionnaire.config.default_profile} profile): {p.why}")
            why, against = st.columns(2)
            why.markdown("\n".join(f"- {r}" for r in p.reasons))
            against.markdown("\n".join(f"- :orange[{c}]" for c in p.caveats) or "- no caveats from the data")
            st.page_link("views/model.py", label="Open the model page", query_params={"model": p.model_id},
                         icon=":material/arrow_forward:")
