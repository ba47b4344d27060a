FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    SOPENGINE_DATABASE_URL=sqlite:////data/sopengine.db \
    SOPENGINE_EXPORT_CACHE_DIR=/data/export-cache
WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY sopengine ./sopengine
COPY migrations ./migrations
COPY sop_templates ./sop_templates
RUN pip install --no-cache-dir -e . && mkdir -p /data && useradd --system sopengine && chown sopengine /data
USER sopengine
VOLUME ["/data"]
EXPOSE 8000
CMD ["sopengine", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
