"""Errors a user can cause. Each message says what went wrong and what to do about it."""


class MixmapError(Exception):
    """Base class: the CLI prints these as one line and exits 1; pages show them with st.error."""


class IngestError(MixmapError):
    """A file could not be read, or a row in it is bad and the user asked to abort."""


class StoreError(MixmapError):
    """A dataset or table is missing, or a name is not allowed."""


class FilterError(MixmapError):
    """A filter value or column from user input was rejected."""


class EmbedError(MixmapError):
    """A model could not be loaded or used."""


class PipelineError(MixmapError):
    """A stage was run before the stage it depends on."""
