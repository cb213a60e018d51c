"""Interactive explorers (ipywidgets). Each separates computing (plain functions, tested and timed) from drawing.

- :mod:`lessons_lib.widgets.playground`: optimizer trajectories on 2-D test functions.
- :mod:`lessons_lib.widgets.schedule_explorer`: learning-rate schedules with their PyTorch and Keras curves.
- :mod:`lessons_lib.widgets.web`: their static-book versions, precomputed over a grid and moved by sliders in the
  browser with no kernel and no network (Bokeh; import it as ``from lessons_lib.widgets import web``).
"""

from .playground import compute_trajectories, playground, static_figure
from .schedule_explorer import explorer, schedule_curves

__all__ = ["compute_trajectories", "playground", "static_figure", "explorer", "schedule_curves"]
