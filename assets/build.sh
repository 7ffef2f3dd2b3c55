#!/usr/bin/env bash
# Builds the committed front-end assets in ../static from GOV.UK Frontend 6.3.0
# (pinned in package.json / package-lock.json). Run from anywhere:
#   bash assets/build.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$(cd "$here/.." && pwd)/static"
cd "$here"

npm ci --no-audit --no-fund

mkdir -p "$out"

npx --no-install sass \
  --pkg-importer=node \
  --style=compressed \
  --no-source-map \
  --quiet-deps \
  src/app.scss "$out/app.css"

dist=node_modules/govuk-frontend/dist/govuk
cp "$dist/govuk-frontend.min.js" "$out/"
cp src/app.js "$out/app.js"

# GDS Transport and the crown/crest images are for GOV.UK services only.
if grep -q -e 'GDS Transport' -e '@font-face' "$out/app.css" ||
   grep -o 'url([^)]*)' "$out/app.css" | grep -q -i -e 'crest' -e 'crown' -e '\.woff'; then
  echo "build.sh: $out/app.css contains GOV.UK-only fonts or images" >&2
  exit 1
fi

ls -l "$out/app.css" "$out/app.js" "$out/govuk-frontend.min.js" "$out/images/favicon.svg"
