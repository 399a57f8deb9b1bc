#!/usr/bin/env bash
# Builds everything and runs all tests: unit, integration (Azurite) and end-to-end (real HTTP through the local host).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/azurite.sh"
source "$(dirname "${BASH_SOURCE[0]}")/smtp-sink.sh"
cd "$REPO_ROOT"
ensure_node_modules
# The e-mail end-to-end tests start their own smtp4dev (the pinned local tool) on free ports.
ensure_smtp_sink_tool
# The approval-page browser test drives headless Chromium (Debian package chromium; a CJK font so Chinese renders).
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null
fi
start_azurite_if_needed test
dotnet build Serverless.sln -c Release --nologo -v quiet
dotnet test Serverless.sln -c Release --no-build --nologo "$@"
