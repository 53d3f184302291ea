# NeuroFinder in one container: the app Community Cloud runs, for running several replicas of it
# behind a reverse proxy with sticky sessions (docs/deploy.md). Build and try it:
#   docker build -t neurofinder . && docker run --rm -p 8501:8501 neurofinder
FROM python:3.11-slim-bookworm

# Log straight to the container's output; keep no pip cache in the image. (Streamlit's file
# watcher is off in .streamlit/config.toml, which the image includes.)
ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STREAMLIT_SERVER_HEADLESS=true \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false \
    NEUROFINDER_CACHE_DIR=/var/cache/neurofinder

WORKDIR /app

# Runtime packages only (the test tools are in requirements-dev.txt), in their own layer so a
# code change does not reinstall them.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

# The app's files stay owned by root, so the process serving patients cannot change them; they are
# compiled now because that process cannot write their .pyc files, and every start would pay for it.
# A numeric user, so an orchestrator (Kubernetes runAsNonRoot) can check it is not root.
# Secrets are mounted at run time, never built in: see docs/deploy.md (STREAMLIT_SECRETS_FILES).
# The checked copies of the bundled list and the condition pages are made now and kept in the image
# (finder/first_start.py; the ZIP table ships with the app), so even a new container's first start
# skips that work; the server may add checked copies of live lists to the same folder, so it owns it.
COPY . .
RUN python -m compileall -q app.py pages finder \
    && useradd --no-log-init --create-home --uid 10001 --user-group neurofinder \
    && python -m finder.first_start data/specialists.csv \
    && chown -R 10001:10001 "$NEUROFINDER_CACHE_DIR"
USER 10001:10001

EXPOSE 8501
# python:slim has no curl; Python's own urllib asks Streamlit's health endpoint instead.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]

CMD ["streamlit", "run", "app.py", "--server.address", "0.0.0.0", "--server.port", "8501"]
