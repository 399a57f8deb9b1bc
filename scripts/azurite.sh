#!/usr/bin/env bash
# Sourced by run-local.sh and test.sh: installs the pinned Azurite and starts it when nothing listens on its
# ports; stops on exit only an Azurite this shell started.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AZURITE_PID=""
AZURITE_BLOB_PORT="${AZURITE_BLOB_PORT:-10000}"
AZURITE_QUEUE_PORT="${AZURITE_QUEUE_PORT:-10001}"
AZURITE_TABLE_PORT="${AZURITE_TABLE_PORT:-10002}"
if [ "$AZURITE_BLOB_PORT$AZURITE_QUEUE_PORT$AZURITE_TABLE_PORT" != "100001000110002" ]; then
  # Non-default ports: point the app at them (Azurite's well-known development account).
  export AzureWebJobsStorage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$AZURITE_BLOB_PORT/devstoreaccount1;QueueEndpoint=http://127.0.0.1:$AZURITE_QUEUE_PORT/devstoreaccount1;TableEndpoint=http://127.0.0.1:$AZURITE_TABLE_PORT/devstoreaccount1;"
fi

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && exec 3>&- 3<&-; }

ensure_node_modules() {
  if [ ! -f "$REPO_ROOT/node_modules/azurite/dist/src/azurite.js" ]; then
    echo "Installing Azurite (npm ci)..."
    (cd "$REPO_ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

start_azurite_if_needed() {
  if port_open "$AZURITE_BLOB_PORT" && port_open "$AZURITE_QUEUE_PORT" && port_open "$AZURITE_TABLE_PORT"; then
    echo "Azurite already listening on $AZURITE_BLOB_PORT/$AZURITE_QUEUE_PORT/$AZURITE_TABLE_PORT; using it."
    return
  fi
  ensure_node_modules
  local location="$REPO_ROOT/.azurite/${1:-local}"
  mkdir -p "$location"
  node "$REPO_ROOT/node_modules/azurite/dist/src/azurite.js" --silent --skipApiVersionCheck \
    --location "$location" --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
    --blobPort "$AZURITE_BLOB_PORT" --queuePort "$AZURITE_QUEUE_PORT" --tablePort "$AZURITE_TABLE_PORT" \
    > "$location/azurite.log" 2>&1 &
  AZURITE_PID=$!
  trap stop_azurite EXIT
  for _ in $(seq 1 150); do
    if port_open "$AZURITE_BLOB_PORT" && port_open "$AZURITE_QUEUE_PORT" && port_open "$AZURITE_TABLE_PORT"; then
      echo "Azurite started (pid $AZURITE_PID, data in $location)."
      return
    fi
    sleep 0.2
  done
  echo "Azurite did not start; see $location/azurite.log" >&2
  exit 1
}

stop_azurite() {
  if [ -n "$AZURITE_PID" ] && kill -0 "$AZURITE_PID" 2>/dev/null; then
    kill "$AZURITE_PID" 2>/dev/null || true
    wait "$AZURITE_PID" 2>/dev/null || true
  fi
}
