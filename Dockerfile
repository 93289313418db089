# shadowdiff service image. Build: docker build -t shadowdiff .   (docker-compose.yml builds it too)
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /srv/shadowdiff

# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml README.md ./
RUN mkdir app comparators flags \
    && touch app/__init__.py comparators/__init__.py flags/__init__.py \
    && pip install . \
    && pip uninstall -y shadowdiff

# The service runs from this source tree (an editable install), so the SQL migrations in
# app/store/migrations are found next to the code that applies them.
COPY app ./app
COPY comparators ./comparators
COPY flags ./flags
RUN pip install --no-deps --editable . \
    && useradd --system --uid 10001 --home-dir /var/lib/shadowdiff shadowdiff \
    && mkdir -p /var/lib/shadowdiff \
    && chown shadowdiff /var/lib/shadowdiff

USER shadowdiff
# Listening beyond loopback needs SHADOWDIFF_TOKENS (the service refuses to start without them).
# SHADOWDIFF_TOKENS_FILE names a file holding that JSON instead (a docker secret).
ENV SHADOWDIFF_HOST=0.0.0.0 \
    SHADOWDIFF_PORT=8000 \
    SHADOWDIFF_DATA_DIR=/var/lib/shadowdiff
EXPOSE 8000
VOLUME ["/var/lib/shadowdiff"]

HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/ready', timeout=3).status != 200)"]

ENTRYPOINT ["/bin/sh", "-c", "if [ -n \"${SHADOWDIFF_TOKENS_FILE:-}\" ]; then SHADOWDIFF_TOKENS=\"$(cat \"$SHADOWDIFF_TOKENS_FILE\")\" && export SHADOWDIFF_TOKENS; fi; exec python -m app \"$@\"", "shadowdiff"]
