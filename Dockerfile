# The dashboard in a container, after Streamlit's documented pattern.
#   docker build -t newsmap . && docker run -p 8501:8501 newsmap
FROM python:3.11-slim

WORKDIR /app

RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN pip3 install --no-cache-dir -r requirements.txt

COPY . .

# Public hosting: read-only (no writes, no ingest or upload). The gazetteer
# index is built here, at image build time, so the app never writes it.
ENV NEWSMAP_READ_ONLY=1 \
    NEWSMAP_CACHE_DIR=/app/.cache/newsmap
RUN python -m geo.index

EXPOSE 8501

HEALTHCHECK CMD curl --fail http://localhost:8501/_stcore/health

ENTRYPOINT ["streamlit", "run", "dashboard.py", "--server.port=8501", "--server.address=0.0.0.0"]
