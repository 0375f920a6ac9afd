"""mixmap's Streamlit entry point: the router only. Run with `mixmap app` or `streamlit run app.py`.

When the app has a password (a shared app, `mixmap app --host ...`), a session that has not given it is
routed to the login page only: no page script runs for it, whatever URL it opens (ui/auth.py)."""
import streamlit as st

from mixmap.ui.auth import logged_in, login_page
from mixmap.ui.state import ensure_started

# an emoji icon: a :material/...: page icon is fetched from fonts.gstatic.com, off localhost
st.set_page_config(page_title="mixmap", page_icon="🗺️", layout="wide")
if not logged_in():
    st.navigation([st.Page(login_page, title="Log in", icon=":material/lock:")],
                  position="hidden").run()
    st.stop()
ensure_started()
st.navigation(
    [
        st.Page("pages/map.py", title="Map", icon=":material/map:", default=True),
        st.Page("pages/data.py", title="Data", icon=":material/upload_file:"),
        st.Page("pages/mixes.py", title="Mixes", icon=":material/blender:"),
        st.Page("pages/export.py", title="Export", icon=":material/download:"),
        st.Page("pages/duplicates.py", title="Duplicates", icon=":material/content_copy:"),
        st.Page("pages/quality.py", title="Quality", icon=":material/cleaning_services:"),
        st.Page("pages/coverage.py", title="Coverage", icon=":material/travel_explore:"),
        st.Page("pages/checks.py", title="Checks", icon=":material/fact_check:"),
    ]
).run()
