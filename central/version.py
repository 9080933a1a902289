"""Central's version (a module of its own: an editable install may load ``central`` as a
namespace package, without running ``central/__init__.py``)."""

__version__ = "0.1.0"
