#!/usr/bin/env bash
# sqlmap against every form and query endpoint of a private app instance on 127.0.0.1.
# Needs Debian's sqlmap (apt-get install -y sqlmap). What it does and the last result:
# tests/hostile/README.md. Exit code 0: nothing injectable; 1: an injection point (or a failed run).
#   SQLMAP_ONLY=track bash tests/hostile/sqlmap.sh     # one target
#   SQLMAP_LEVEL=5 SQLMAP_RISK=3 bash tests/hostile/sqlmap.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
exec ./node_modules/.bin/node tests/hostile/sqlmap.ts "$@"
