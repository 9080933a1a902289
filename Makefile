# Thin wrappers over dev.py, which needs nothing but python3 (make is optional).
PY ?= python3

.PHONY: demo test bench bundle lint i18n clean
demo:
	$(PY) dev.py demo $(ARGS)
test:
	$(PY) dev.py test $(ARGS)
bench:
	$(PY) dev.py bench $(ARGS)
bundle:
	$(PY) dev.py bundle $(ARGS)
lint:
	$(PY) dev.py lint
i18n:
	.venv/bin/python tools/i18n.py update
clean:
	rm -rf build dist .pytest_cache .ruff_cache
