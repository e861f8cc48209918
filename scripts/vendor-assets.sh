#!/usr/bin/env bash
# Copies the pinned npm front-end packages (package.json) into internal/web/static/vendor,
# where go:embed serves them from the binary. Run after changing a version in package.json;
# the copied files are committed so a fresh clone builds without npm.
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund >/dev/null
bi=node_modules/bootstrap-italia
out=internal/web/static/vendor/bootstrap-italia
rm -rf "$out" && mkdir -p "$out/css" "$out/js" "$out/svg" "$out/fonts"
cp "$bi/dist/css/bootstrap-italia.min.css" "$out/css/"
cp "$bi/dist/js/bootstrap-italia.bundle.min.js" "$out/js/"
cp "$bi/dist/svg/sprites.svg" "$out/svg/"
for d in "$bi"/dist/fonts/*/; do
  name=$(basename "$d"); mkdir -p "$out/fonts/$name"
  cp "$d"/*.woff2 "$out/fonts/$name/"; cp "$d"/LICENSE* "$out/fonts/$name/" 2>/dev/null || true
done
cp "$bi/LICENSE" "$out/LICENSE"
echo "bootstrap-italia $(node -p "require('./$bi/package.json').version")" > "$out/VERSION"
mkdir -p internal/web/static/vendor/axe-core
cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE internal/web/static/vendor/axe-core/ 2>/dev/null || cp node_modules/axe-core/axe.min.js internal/web/static/vendor/axe-core/
echo "axe-core $(node -p "require('./node_modules/axe-core/package.json').version")" > internal/web/static/vendor/axe-core/VERSION
