"""Duplicates: candidate pairs found once per method (exact, MinHash, semantic), then grouped with a keeper
per group as often as the curator likes.

Public API below (name -> module); names resolve on first use, so importing the package stays cheap and a
submodule never waits on its siblings."""
from mixmap.core import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    **dict.fromkeys(['apply_dedup', 'group_duplicates'], "actions"),
    **dict.fromkeys(['CANDIDATE_THRESHOLDS', 'DEFAULT_THRESHOLDS', 'METHODS', 'StoredPairs', 'compute_duplicate_pairs', 'load_pairs', 'paired_vectors', 'pairs_frame', 'pairs_info', 'quality_scores', 'regroup'], "dataset"),
    **dict.fromkeys(['FINDERS', 'PairFinder', 'register_finder'], "finders"),
    **dict.fromkeys(['KEEP_POLICIES', 'diff_words'], "groups"),
})
