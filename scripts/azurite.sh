#!/usr/bin/env bash
# Sourced by run-local.sh and test.sh: installs the pinned Azurite and starts it when nothing listens on its
# ports; stops on exit only an Azurite this shell started.
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
AZURITE_PID=""

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && exec 3>&- 3<&-; }

ensure_node_modules() {
  if [ ! -f "$REPO_ROOT/node_modules/azurite/dist/src/azurite.js" ]; then
    echo "Installing Azurite (npm ci)..."
    (cd "$REPO_ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

start_azurite_if_needed() {
  if port_open 10000 && port_open 10001 && port_open 10002; then
    echo "Azurite already listening on 10000-10002; using it."
    return
  fi
  ensure_node_modules
  local location="$REPO_ROOT/.azurite/${1:-local}"
  mkdir -p "$location"
  node "$REPO_ROOT/node_modules/azurite/dist/src/azurite.js" --silent --skipApiVersionCheck \
    --location "$location" --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 \
    > "$location/azurite.log" 2>&1 &
  AZURITE_PID=$!
  trap stop_azurite EXIT
  for _ in $(seq 1 150); do
    if port_open 10000 && port_open 10001 && port_open 10002; then
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
