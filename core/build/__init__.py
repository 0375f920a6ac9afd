"""The build spine: project (UMAP, fitted reducer kept), cluster (HDBSCAN + c-TF-IDF labels) and the pipeline
that runs embed -> project -> cluster as numbered steps.

Public API below (name -> module); names resolve on first use, so importing the package stays cheap and a
submodule never waits on its siblings."""
from mixmap.core import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    **dict.fromkeys(['NOISE_LABEL', 'cluster_dataset', 'label_clusters', 'read_cluster_info'], "cluster"),
    **dict.fromkeys(['Clusterer', 'OneCluster', 'Reducer'], "contracts"),
    **dict.fromkeys(['build_dataset'], "pipeline"),
    **dict.fromkeys(['SizedUmap', 'project_dataset'], "project"),
})
