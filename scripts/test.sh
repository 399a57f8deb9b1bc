#!/usr/bin/env bash
# Builds everything and runs all tests: unit, integration (Azurite) and end-to-end (real HTTP through the local host).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/azurite.sh"
cd "$REPO_ROOT"
ensure_node_modules
start_azurite_if_needed test
dotnet build Serverless.sln -c Release --nologo -v quiet
dotnet test Serverless.sln -c Release --no-build --nologo "$@"
