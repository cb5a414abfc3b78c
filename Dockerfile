# lumberyard: slim, non-root, health-checked on /health/live. Build: docker build -t lumberyard .
# docker-compose.logging.yml runs it; tests/ops/test_compose.py checks this file against the CLI.
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
WORKDIR /opt/lumberyard
COPY pyproject.toml constraints.txt README.md ./
COPY parsers ./parsers
COPY pipeline ./pipeline
# The runtime package only (no extras: the test and dev tools stay out of the image), installed
# as a regular package, not editable, so the image needs nothing of the source tree. The index
# templates are package data (pipeline/setup/mappings/), shipped with the package.
RUN /opt/venv/bin/pip install -c constraints.txt . \
    && /opt/venv/bin/lumberyard --help >/dev/null

FROM python:3.11-slim
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/lumberyard --create-home lumberyard
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    LUMBERYARD_DATA_DIR=/var/lib/lumberyard
USER 10001:10001
WORKDIR /var/lib/lumberyard
VOLUME ["/var/lib/lumberyard"]
# 5044: Beats (Lumberjack); 9600: /metrics and /health
EXPOSE 5044 9600
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:9600/health/live', timeout=4)"]
ENTRYPOINT ["lumberyard"]
CMD ["serve", "--http-host", "0.0.0.0"]
