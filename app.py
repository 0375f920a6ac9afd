"""mixmap's Streamlit entry point: the router only. Run with `mixmap app` or `streamlit run app.py`."""
import streamlit as st

from ui.state import ensure_started

st.set_page_config(page_title="mixmap", page_icon="🗺️", layout="wide")
ensure_started()
st.navigation(
    [
        st.Page("pages/map.py", title="Map", icon="🗺️", default=True),
        st.Page("pages/data.py", title="Data", icon="📥"),
        st.Page("pages/export.py", title="Export", icon="📤"),
    ]
).run()
