#!/usr/bin/env bash
# Rewrites the README's configuration table from shared/config/settings.ts and serverless.yml.
set -euo pipefail
cd "$(dirname "$0")/.."
table=$(node --import tsx scripts/settings-table.ts)
TABLE="$table" python3 - <<'PY'
import os, re
text = open('README.md').read()
start, end = '<!-- settings-table:start -->', '<!-- settings-table:end -->'
head, rest = text.split(start, 1)
_, tail = rest.split(end, 1)
open('README.md', 'w').write(f"{head}{start}\n{os.environ['TABLE']}\n{end}{tail}")
PY
