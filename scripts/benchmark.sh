#!/usr/bin/env bash
# Benchmarks of the local stack (kept out of the test run). Pass --quick for a short run; --masking for the masking
# engine alone; --sandbox for sandbox jobs over a 1,000,000-row grant against plain DuckDB (issue 7); --link-flood for
# authenticated write latency quiet and during 2,000 anonymous signed-link attempts (issue 20).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/azurite.sh"
cd "$REPO_ROOT"
start_azurite_if_needed bench
dotnet build Serverless.sln -c Release --nologo -v quiet
dotnet benchmarks/Platform.Benchmarks/bin/Release/net10.0/Platform.Benchmarks.dll "$@"
