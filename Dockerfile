# syntax=docker/dockerfile:1
# Production image: the wheel built in one stage, installed alone in the next, run as an
# unprivileged user. `docker build -t sopengine .` from the checkout.

FROM python:3.11-slim AS build
WORKDIR /src
RUN pip install --no-cache-dir "build>=1.2"
COPY pyproject.toml README.md ./
COPY sopengine ./sopengine
RUN python -m build --wheel --outdir /dist .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    SOPENGINE_DATABASE_URL=sqlite:////data/sopengine.db \
    SOPENGINE_EXPORT_CACHE_DIR=/data/export-cache \
    SOPENGINE_LOG_FORMAT=json
COPY --from=build /dist/ /tmp/dist/
RUN pip install --no-cache-dir /tmp/dist/sopengine-*.whl \
    && rm -rf /tmp/dist \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin sopengine \
    && mkdir -p /data \
    && chown sopengine /data
USER sopengine
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8000
# Liveness only: /readyz is for load balancers (it fails while the database is away).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
# uvicorn finishes requests under way on SIGTERM (SOPENGINE_SHUTDOWN_TIMEOUT_SECONDS).
STOPSIGNAL SIGTERM
CMD ["sopengine", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
