"""The workflow's errors, in a module that imports nothing.

The command line names them at start-up; defining them here keeps pandas,
scikit-learn and skops out of `glassnet --help`.
"""


class DataError(ValueError):
    """The data cannot be used as given; the message says why and what to do."""


class ModelFileError(ValueError):
    """A model file cannot be written, or is not one glassnet can load safely."""
