"""The password gate of a shared app, as Streamlit's "Authentication without SSO" guide does it: one password
(MIXMAP_APP_PASSWORD, or the token `mixmap app --token` generated and printed), typed into a password input,
compared in constant time (hmac.compare_digest), never kept in session state; on success the session is
marked logged in. Until then app.py routes every URL to the login page only, so no page script runs.

A `?token=...` in the first URL (the link `mixmap app --token` prints, as Jupyter does) logs in too, and is
removed from the address bar. Without a password the gate is open, unless the server listens beyond this
machine, where it shows how to set one and nothing else.
"""
from __future__ import annotations

import time

import streamlit as st

from mixmap.core.settings import is_loopback, password_matches, setting

LOGGED_IN = "auth.logged_in"
FAILED = "auth.failed"
PASSWORD_KEY = "auth.password"


def _expected() -> str | None:
    return setting("MIXMAP_APP_PASSWORD")


def logged_in() -> bool:
    """Whether this session may see the pages: no password is set on a local server, or it was given."""
    expected = _expected()
    if not expected:
        address = st.get_option("server.address")
        return not address or is_loopback(address)
    if st.session_state.get(LOGGED_IN):
        return True
    token = st.query_params.get("token")
    if token is not None:
        del st.query_params["token"]
        if password_matches(token, expected):
            st.session_state[LOGGED_IN] = True
            return True
        st.session_state[FAILED] = True
    return False


def _check_password() -> None:
    typed = st.session_state.pop(PASSWORD_KEY, "")  # the password is not kept in session state
    ok = bool(typed) and password_matches(typed, _expected() or "")
    st.session_state[LOGGED_IN] = ok
    st.session_state[FAILED] = not ok
    if not ok:
        time.sleep(1.0)  # slows guessing down; the password itself should be long (the token is 32 bytes)


def login_page() -> None:
    """The only page a session sees before it logs in."""
    st.title("mixmap")
    if not _expected():
        st.error("This app listens beyond this machine without a password. Restart it with "
                 "MIXMAP_APP_PASSWORD=… (or `mixmap app --token`).")
        return
    with st.form("auth.form"):
        st.text_input("Password or token", type="password", key=PASSWORD_KEY)
        st.form_submit_button("Log in", type="primary", on_click=_check_password)
    if st.session_state.get(FAILED):
        st.error("Wrong password or token.")
