# shadowdiff service image. Build: docker build -t shadowdiff .   (docker-compose.yml builds it too)

# Both stages use this one image: the compiled modules are built for its Python.
ARG PYTHON_IMAGE=python:3.11-slim

# The engine (comparators/) is compiled with mypyc here, so the C compiler stays out of the image.
FROM ${PYTHON_IMAGE} AS compile
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /srv/shadowdiff
COPY pyproject.toml README.md setup.py ./
COPY comparators ./comparators
# An editable install builds the extension modules in place: comparators/*.so.
RUN pip install --no-deps --editable .

FROM ${PYTHON_IMAGE}

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
# app/store/migrations are found next to the code that applies them. The compiled engine comes from
# the compile stage (built from the same comparators/ sources), so this install compiles nothing.
COPY setup.py ./
COPY app ./app
COPY comparators ./comparators
COPY flags ./flags
COPY --from=compile /srv/shadowdiff/comparators/*.so ./comparators/
RUN SHADOWDIFF_COMPILE=0 pip install --no-deps --editable . \
    && python -c "import comparators.engine as e, sys; sys.exit(not e.__file__.endswith('.so'))" \
    && useradd --system --uid 10001 --home-dir /var/lib/shadowdiff shadowdiff \
    && mkdir -p /var/lib/shadowdiff \
    && chown shadowdiff /var/lib/shadowdiff

USER shadowdiff
# Listening beyond loopback needs SHADOWDIFF_TOKENS (the service refuses to start without them).
# SHADOWDIFF_TOKENS_FILE names a file holding that JSON instead (a docker secret); the service reads it.
ENV SHADOWDIFF_HOST=0.0.0.0 \
    SHADOWDIFF_PORT=8000 \
    SHADOWDIFF_DATA_DIR=/var/lib/shadowdiff
EXPOSE 8000
VOLUME ["/var/lib/shadowdiff"]

HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/ready', timeout=3).status != 200)"]

ENTRYPOINT ["python", "-m", "app"]
