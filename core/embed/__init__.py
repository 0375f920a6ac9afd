"""Embedding: the `Embedder` contract, the built-in models (registered like a user's own), and the embed stage
(local, resumable) with its Ray twin.

Public API below (name -> module); names resolve on first use, so importing the package stays cheap and a
submodule never waits on its siblings."""
from mixmap.core import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    **dict.fromkeys(['embed_dataset_ray'], "on_ray"),
    **dict.fromkeys(['DEFAULT_MODEL', 'Embedder', 'STATIC_MODEL', 'default_model_path', 'model_key'], "protocol"),
    **dict.fromkeys(['dataset_embedder', 'load_embedder', 'register_embedder'], "registry"),
    **dict.fromkeys(['SentenceTransformerEmbedder'], "sentence_transformer"),
    **dict.fromkeys(['embed_dataset', 'embed_prompts'], "stage"),
    **dict.fromkeys(['SIDES', 'has_prompt_side', 'prompt_key', 'prompt_text'], "prompts"),
    **dict.fromkeys(['StaticEmbedder'], "static_model"),
})
