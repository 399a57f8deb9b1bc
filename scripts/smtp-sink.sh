#!/usr/bin/env bash
# Sourced by run-local.sh (and test.sh for the tool restore): the local mail sink smtp4dev, pinned as a .NET local tool
# in .config/dotnet-tools.json. It is started only when nothing listens on its SMTP port, and on exit only a sink this
# shell started is stopped. Its web inbox (and REST API under /api) is at http://127.0.0.1:$SMTP_SINK_WEB_PORT.
SMTP_SINK_PORT="${SMTP_SINK_PORT:-2525}"
SMTP_SINK_WEB_PORT="${SMTP_SINK_WEB_PORT:-5080}"
SMTP_SINK_PID=""
if [ "$SMTP_SINK_PORT" != "2525" ]; then
  # Non-default port: point the platform at it (local.settings.sample.json says 127.0.0.1:2525).
  export Smtp__Port="$SMTP_SINK_PORT"
fi

ensure_smtp_sink_tool() {
  (cd "$REPO_ROOT" && dotnet tool restore >/dev/null)
}

start_smtp_sink_if_needed() {
  if port_open "$SMTP_SINK_PORT"; then
    echo "A mail sink already listens on $SMTP_SINK_PORT; using it."
    return
  fi
  ensure_smtp_sink_tool
  local location="$REPO_ROOT/.smtp4dev"
  mkdir -p "$location"
  (cd "$REPO_ROOT" && exec dotnet tool run smtp4dev -- --urls="http://127.0.0.1:$SMTP_SINK_WEB_PORT" --smtpport="$SMTP_SINK_PORT" \
    --bindaddress=127.0.0.1 --imapport= --pop3port= --db= --nousersettings --hostname=localhost > "$location/smtp4dev.log" 2>&1) &
  SMTP_SINK_PID=$!
  for _ in $(seq 1 300); do
    if port_open "$SMTP_SINK_PORT" && port_open "$SMTP_SINK_WEB_PORT"; then
      echo "Mail sink started (pid $SMTP_SINK_PID): SMTP on 127.0.0.1:$SMTP_SINK_PORT, inbox at http://127.0.0.1:$SMTP_SINK_WEB_PORT"
      return
    fi
    if ! kill -0 "$SMTP_SINK_PID" 2>/dev/null; then
      break
    fi
    sleep 0.2
  done
  echo "The mail sink did not start; see $location/smtp4dev.log" >&2
  exit 1
}

stop_smtp_sink() {
  if [ -n "$SMTP_SINK_PID" ] && kill -0 "$SMTP_SINK_PID" 2>/dev/null; then
    kill "$SMTP_SINK_PID" 2>/dev/null || true
    wait "$SMTP_SINK_PID" 2>/dev/null || true
  fi
}
