#!/usr/bin/env bash
# Runs the platform locally on Azurite (its embedded default) at http://127.0.0.1:7071, like `func start`.
# Extra arguments go to the local host, e.g. --LocalHost:Urls=http://127.0.0.1:8080
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/azurite.sh"
cd "$REPO_ROOT"
start_azurite_if_needed local
dotnet build host/LocalHost -c Release --nologo -v quiet
dotnet host/LocalHost/bin/Release/net10.0/Platform.LocalHost.dll "$@"
