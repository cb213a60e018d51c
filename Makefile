# The two commands of the README, and a few more. Each creates the virtual environment (.venv) and installs the
# pinned environment into it when it is missing or older than requirements.txt / pyproject.toml.
#
#   make test         every unit, conformance, checker and grader test, and every notebook, executed once
#   make book         the HTML book in _build/html, built from those executed notebooks (runs only what is stale)
#   make serve        serve the built book at http://localhost:8000
#   make check-book   open the built pages in headless Chromium (quizzes, figures, links, math)
#   make clean        remove _build (executed notebooks and HTML)
#
# Variables: PYTHON (the interpreter that creates .venv), TORCH_INDEX (e.g. https://download.pytorch.org/whl/cpu,
# where PyPI would give a multi-GB CUDA build of torch), PORT, BOOK_FLAGS (jupyter-book build flags).

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TORCH_INDEX ?=
PORT ?= 8000
BOOK_FLAGS ?= -W -n --keep-going
NO_EXECUTE ?=

export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONHASHSEED := 0
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: env test book serve check-book clean

env: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0 $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX))
	$(PY) -m pip install -q -r requirements.txt $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX))
	$(PY) -m pip install -q -e .
	touch $@

test: env
	$(PY) -m pytest -n auto --durations=15

book: env
	$(PY) -m tools.nbexec book $(if $(NO_EXECUTE),--no-execute) -- $(BOOK_FLAGS)

serve:
	@test -f _build/html/index.html || { echo "no built book: run 'make book' first"; exit 1; }
	$(PY) -m http.server --directory _build/html $(PORT)

check-book: env
	CHECK_BUILT_BOOK=1 $(PY) -m pytest -p no:cacheprovider -o addopts="" -q -n auto tests/built_book

clean:
	rm -rf _build
