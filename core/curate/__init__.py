"""Curation: versioned marks (undo / redo), saved slices, seeded sampling, token budgets, mixes and their
report cards.

Public API below (name -> module); names resolve on first use, so importing the package stays cheap and a
submodule never waits on its siblings."""
from mixmap.core import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    **dict.fromkeys(['diversity_table'], "diversity"),
    **dict.fromkeys(['diff_versions'], "history"),
    **dict.fromkeys(['VECTOR_STRATEGIES', '_marks_frame', '_uses_marks', 'build_mix', 'list_mixes', 'load_mix', 'parse_component', 'save_mix'], "mixes"),
    **dict.fromkeys(['compare_cards', 'composition', 'report_card'], "report"),
    **dict.fromkeys(['ALLOCATIONS', 'STRATEGIES'], "sampling"),
    **dict.fromkeys(['MixError', 'describe_slice', 'load_slices', 'save_slice', 'slice_columns', 'slice_ids'], "slices"),
})
