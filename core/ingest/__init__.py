"""Reading a user's files into rows (id, source, text, row_index, meta), and the bundled sample.

Public API below (name -> module); names resolve on first use, so importing the package stays cheap and a
submodule never waits on its siblings."""
from mixmap.core import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    **dict.fromkeys(['TextSpec', 'default_source_name', 'file_sha256', 'guess_spec', 'ingest_into', 'preview_records'], "files"),
    **dict.fromkeys(['SAMPLE_NAME', 'install_sample'], "sample"),
})
