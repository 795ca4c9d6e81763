"""The Streamlit app: pages in views/, their queries in sql/, read from the published serving copy only."""

from pathlib import Path

STREAMLIT_APP = Path(__file__).parent / "streamlit_app.py"
