"""mixmap's Streamlit entry point: the router only. Run with `mixmap app` or `streamlit run app.py`.

When the app has a password (a shared app, `mixmap app --host ...`), a session that has not given it is
routed to the login page only: no page script runs for it, whatever URL it opens (ui/auth.py).

Icons are emoji, never Material Symbols names: for those Streamlit fetches the browser tab's icon from
fonts.gstatic.com (a failed network call in an offline app); an emoji favicon is drawn locally.
"""

PAGES = (  # file, title, icon
    ("pages/map.py", "Map", "🗺️"),
    ("pages/data.py", "Data", "📥"),
    ("pages/mixes.py", "Mixes", "🧪"),
    ("pages/export.py", "Export", "📦"),
    ("pages/duplicates.py", "Duplicates", "👯"),
    ("pages/quality.py", "Quality", "🧹"),
    ("pages/coverage.py", "Coverage", "🧭"),
    ("pages/checks.py", "Checks", "✅"),
)


def main() -> None:
    import streamlit as st

    from mixmap.ui.auth import logged_in, login_page
    from mixmap.ui.state import ensure_started

    st.set_page_config(page_title="mixmap", page_icon="🗺️", layout="wide")
    if not logged_in():
        st.navigation([st.Page(login_page, title="Log in", icon="🔒")], position="hidden").run()
        st.stop()
    ensure_started()
    st.navigation([st.Page(path, title=title, icon=icon, default=i == 0)
                   for i, (path, title, icon) in enumerate(PAGES)]).run()


# Streamlit runs this file as __main__. A worker process spawned by a background job (quality scoring,
# checks) re-runs the main script as __mp_main__ to rebuild its namespace: it must not start the app there,
# or every st.* call runs without a session ("missing ScriptRunContext" floods the terminal) and each
# worker starts the sample install and the numba warm-up.
if __name__ == "__main__":
    main()
