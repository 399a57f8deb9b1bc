#!/usr/bin/env bash
# Runs the platform locally on Azurite (its embedded default) at http://127.0.0.1:7071, like `func start`, with a
# local mail sink (smtp4dev) whose web inbox is at http://127.0.0.1:5080: the e-mails officials would receive land there.
# Extra arguments go to the local host, e.g. --LocalHost:Urls=http://127.0.0.1:8080
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/azurite.sh"
source "$(dirname "${BASH_SOURCE[0]}")/smtp-sink.sh"
cd "$REPO_ROOT"
start_azurite_if_needed local
trap 'stop_smtp_sink; stop_azurite' EXIT
start_smtp_sink_if_needed
dotnet build host/LocalHost -c Release --nologo -v quiet
echo "Mail inbox: http://127.0.0.1:$SMTP_SINK_WEB_PORT"
dotnet host/LocalHost/bin/Release/net10.0/Platform.LocalHost.dll "$@"
