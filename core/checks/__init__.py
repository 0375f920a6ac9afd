"""Release checks: contamination with eval sets (long n-gram overlap), language per row, personal data and
secrets, each stored as a per-row frame that slices, mixes and exports understand; redaction for export.

Public API below (name -> module); names resolve on first use, so importing the package stays cheap and a
submodule never waits on its siblings."""
from mixmap.core import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    **dict.fromkeys(['check_summary', 'contamination_matches', 'exclude_flagged', 'flagged_ids', 'main_language'],
                    "actions"),
    **dict.fromkeys(['ChecksError', 'decontaminate', 'find_dataset_pii', 'identify_dataset_languages'], "dataset"),
    **dict.fromkeys(['identify_language', 'identify_languages'], "languages"),
    **dict.fromkeys(['build_index', 'find_overlaps'], "ngrams"),
    **dict.fromkeys(['KINDS', 'PLACEHOLDERS', 'REDACTION_VERSION', 'find_pii', 'redact', 'redact_value'], "pii"),
})
