"""Coverage: where the data is thin against a reference set, a written spec, or another source.

Public API below (name -> module); names resolve on first use, so importing the package stays cheap and a
submodule never waits on its siblings."""
from mixmap.core import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    **dict.fromkeys(['add_reference', 'analyze_coverage', 'coverage_radius', 'coverage_score', 'is_reference', 'references_of'], "analysis"),
    **dict.fromkeys(['source_comparison'], "sources"),
    **dict.fromkeys(['list_specs', 'load_spec', 'parse_spec', 'read_spec', 'save_spec', 'spec_coverage'], "spec"),
})
