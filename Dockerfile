# Remote task-tracker: streamable HTTP on port 8000, data in the /data volume.
#   docker build -t task-tracker .
#   docker run -p 8000:8000 -v tasks:/data -e TASK_TRACKER_AUTH_TOKEN=... task-tracker
FROM python:3.12-slim

WORKDIR /app
COPY . .
# The README's install command (into a venv, as there).
RUN python3 -m venv .venv && .venv/bin/pip install .

ENV TASK_TRACKER_DB=/data/tasks.db
VOLUME /data
EXPOSE 8000
# Binding 0.0.0.0 is refused unless TASK_TRACKER_AUTH_TOKEN is set (docker run -e ...).
# Add --allowed-host <your DNS name> when clients reach it by name.
CMD [".venv/bin/task-tracker", "serve", "--transport", "http", "--host", "0.0.0.0", "--port", "8000"]
