"""The revealed app: page navigation (each page starts with app.page_header)."""

import streamlit as st

st.set_page_config(page_title="revealed", page_icon=":material/leaderboard:", layout="wide")

PAGES = [
    st.Page("pages/leaderboard.py", title="Leaderboard", icon=":material/leaderboard:", default=True),
    st.Page("pages/model.py", title="Model", icon=":material/deployed_code:"),
    st.Page("pages/families.py", title="Families", icon=":material/account_tree:"),
    st.Page("pages/benchmarks.py", title="Benchmarks", icon=":material/fact_check:"),
    st.Page("pages/noise.py", title="Noise", icon=":material/filter_alt:"),
    st.Page("pages/data_health.py", title="Data health", icon=":material/monitor_heart:"),
    st.Page("pages/questionnaire.py", title="Questionnaire", icon=":material/quiz:"),
]
page = st.navigation(PAGES)

page.run()
