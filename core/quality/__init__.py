"""Quality and slop: per-row lexical signals, the slop score with the spans that explain it, and clusters
ranked by slop.

Public API below (name -> module); names resolve on first use, so importing the package stays cheap and a
submodule never waits on its siblings."""
from mixmap.core import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    **dict.fromkeys(['cluster_slop', 'reference_texts', 'score_dataset', 'scoring_inputs', 'teach_scores'], "dataset"),
    **dict.fromkeys(['SLOP_THRESHOLD', 'Span', 'explain_row', 'overrepresented_phrases'], "scoring"),
})
