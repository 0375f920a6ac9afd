"""Export of the curated rows with a manifest, and replay of a manifest byte for byte.

Public API below (name -> module); names resolve on first use, so importing the package stays cheap and a
submodule never waits on its siblings."""
from mixmap.core import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    **dict.fromkeys(['export_mix'], "mix"),
    **dict.fromkeys(['replay_manifest'], "replay"),
    **dict.fromkeys(['FORMATS', 'export_rows', 'manifest_path'], "write"),
})
