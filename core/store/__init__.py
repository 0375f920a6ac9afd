"""The ground floor: the workspace's Lance tables and every file in the workspace folder.

The only package that imports lancedb or writes workspace files; every filter built from user input goes
through `filters`. It imports no stage.

Public API below (name -> module); names resolve on first use, so importing the package stays cheap and a
submodule never waits on its siblings."""
from mixmap.core import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    **dict.fromkeys(['write_bytes_atomic', 'write_json_atomic'], "atomic"),
    **dict.fromkeys(['Documents'], "documents"),
    **dict.fromkeys(['MODEL_FRAMES', 'ROW_FRAMES', 'behind_reason', 'require_current'], "derived"),
    **dict.fromkeys(['Condition', 'OPERATORS', 'all_of', 'contains', 'parse_value', 'validate_name'], "filters"),
    **dict.fromkeys(['dataset_lock'], "locks"),
    **dict.fromkeys(['apply_marks', 'history', 'marks_at', 'marks_snapshot', 'marks_version', 'read_marks', 'redo', 'undo'], "marks"),
    **dict.fromkeys(['REDUCER_FILE', 'ROW_COLUMNS'], "tables"),
    **dict.fromkeys(['Workspace'], "workspace"),
})
