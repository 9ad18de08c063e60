# Accord's application image: the `accord` CLI and the HTTP service.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    ACCORD_HOST=0.0.0.0 \
    ACCORD_PORT=8000 \
    ACCORD_VAR_DIR=/var/lib/accord \
    ACCORD_MASTER_KEY_FILE=/var/lib/accord/keys/master.key

WORKDIR /srv/accord
COPY pyproject.toml README.md piccolo_conf.py ./
COPY registry ./registry
COPY tenants ./tenants
COPY policies ./policies
COPY screening ./screening
RUN pip install . \
    && useradd --system --home /var/lib/accord accord \
    && mkdir -p /var/lib/accord/keys \
    && chown -R accord /var/lib/accord \
    && chmod 700 /var/lib/accord/keys

USER accord
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"
CMD ["accord", "serve", "--workers", "2"]
