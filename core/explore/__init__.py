"""Reading a built dataset: the map frame, selections on the map, and search by words, text or meaning.

Public API below (name -> module); names resolve on first use, so importing the package stays cheap and a
submodule never waits on its siblings."""
from mixmap.core import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    **dict.fromkeys(['MODES', 'search_ids', 'search_rows', 'similar_ids'], "search"),
    **dict.fromkeys(['rows_in_shape', 'selection_mask'], "select"),
    **dict.fromkeys(['full_rows', 'map_frame', 'marks_frame', 'numeric_columns', 'parse_meta', 'snippet'], "view"),
})
