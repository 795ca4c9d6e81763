"""The revealed app: page navigation over app/web/views (not pages/, which Streamlit would also serve on its own)."""

import streamlit as st

# An emoji, which the browser draws itself. ":material/..." (and with no icon, the page's own) would point the favicon
# at a font server on the internet; an image file costs a server's first run about twice the emoji's 0.07-0.12 s
# (Streamlit imports numpy and PIL for it; docs/benchmarks.md).
st.set_page_config(page_title="revealed", page_icon="📊", layout="wide")

PAGES = [
    st.Page("views/leaderboard.py", title="Leaderboard", icon=":material/leaderboard:", default=True),
    st.Page("views/model.py", title="Model", icon=":material/deployed_code:"),
    st.Page("views/family.py", title="Family", icon=":material/family_history:"),
    st.Page("views/families.py", title="Families", icon=":material/account_tree:"),
    st.Page("views/benchmarks.py", title="Benchmarks", icon=":material/fact_check:"),
    st.Page("views/channels.py", title="Channels", icon=":material/hub:"),
    st.Page("views/noise.py", title="Noise", icon=":material/filter_alt:"),
    st.Page("views/data_health.py", title="Data health", icon=":material/monitor_heart:"),
    st.Page("views/questionnaire.py", title="Questionnaire", icon=":material/quiz:"),
]
page = st.navigation(PAGES)

page.run()
