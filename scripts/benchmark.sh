#!/usr/bin/env bash
# Benchmarks of the local stack (kept out of the test run). Pass --quick for a short run; --masking for the masking
# engine alone; --sandbox for sandbox jobs over a 1,000,000-row grant against plain DuckDB (issue 7); --link-flood for
# authenticated write latency quiet and during 2,000 anonymous signed-link attempts (issue 20).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/azurite.sh"
cd "$REPO_ROOT"
start_azurite_if_needed bench
dotnet build Serverless.sln -c Release --nologo -v quiet
# The masking engine runs in the Functions worker, a console app with the workstation GC; the benchmark project (web SDK)
# defaults to the server GC, so the masking benchmark is run with the worker's GC (issue 18.3).
if [[ " $* " == *" --masking "* ]]; then
  export DOTNET_gcServer=0
fi
dotnet benchmarks/Platform.Benchmarks/bin/Release/net10.0/Platform.Benchmarks.dll "$@"
