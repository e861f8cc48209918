#!/usr/bin/env bash
# Vendors the ALTCHA widget (npm altcha, pinned below) into internal/web/static/vendor/altcha,
# where go:embed serves it from the binary: nothing is loaded from a CDN and nothing is
# downloaded at run time. The tarball is checked against the registry's pinned sha512
# before anything is copied. The copied files are committed; run this only to upgrade.
#
# We take the "external" build: it keeps the proof-of-work worker in its own file
# instead of an inline blob, which our Content-Security-Policy (script-src 'self')
# would refuse. init.js registers that worker for SHA-256, the algorithm of the
# challenges altcha-lib-go v1 makes (widget v3 still solves v1 challenges).
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=3.2.2
SHA512=c8d21341a4529117b4bbf84cc5dce85c516ac6a9fd883b75ac9d2b791114dc3dee0c3df0d68173eafe42d8f330c365e719386d614c1ef0c5be3f1b2206094dab
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
npm pack "altcha@$VERSION" --pack-destination "$tmp" --silent >/dev/null
tgz="$tmp/altcha-$VERSION.tgz"
echo "$SHA512  $tgz" | sha512sum -c --quiet -
tar -xzf "$tgz" -C "$tmp"
pkg="$tmp/package"
out=internal/web/static/vendor/altcha
rm -rf "$out" && mkdir -p "$out"
cp "$pkg/dist/external/altcha.min.js" "$pkg/dist/external/altcha.css" "$out/"
cp "$pkg/dist/workers/sha.js" "$out/sha.js"
cp "$pkg/dist/i18n/it.js" "$out/i18n-it.js"
cp "$pkg/LICENSE.txt" "$out/LICENSE"
echo "altcha $VERSION (npm, dist/external build) sha512 $SHA512" > "$out/VERSION"
cat > "$out/init.js" <<'JS'
// Sportello: register the SHA worker for ALTCHA's external build. The worker URL comes
// from this script tag's data-worker attribute, which carries the checksummed path.
(function () {
  var me = document.currentScript;
  var url = me && me.dataset.worker;
  if (!url || !globalThis.$altcha) return;
  ['SHA-256', 'SHA-384', 'SHA-512'].forEach(function (alg) {
    globalThis.$altcha.algorithms.set(alg, function () { return new Worker(url); });
  });
})();
JS
echo "vendored altcha $VERSION into $out"
