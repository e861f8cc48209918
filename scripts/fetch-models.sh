#!/usr/bin/env bash
# Re-obtains the MediaPipe models of internal/photo/face/models from their
# pinned npm packages and checks their sha256. The build does not need it:
# the committed files are embedded. Usage: scripts/fetch-models.sh [OUTDIR]
set -euo pipefail

out=${1:-"$(cd "$(dirname "$0")/.." && pwd)/internal/photo/face/models"}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

fetch() { # package@version -> extracted dir
	local dir="$tmp/$(echo "$1" | tr '/@' '__')"
	mkdir -p "$dir"
	(cd "$dir" && npm pack --silent "$1" >/dev/null && tar xzf ./*.tgz)
	echo "$dir/package"
}

det=$(fetch @mediapipe/face_detection@0.4.1657300184)
mesh=$(fetch @mediapipe/face_mesh@0.4.1657299874)
seg=$(fetch @mediapipe/selfie_segmentation@0.1.1675465747)

cp "$det/face_detection_short_range.tflite" "$out/"
cp "$seg/selfie_segmentation.tflite" "$out/"
# The mesh models are packed in one .data file; the byte ranges are listed in
# face_mesh_solution_packed_assets_loader.js.
packed="$mesh/face_mesh_solution_packed_assets.data"
range() { # name -> "start end"
	grep -o "\"filename\": \"[^\"]*/$1\", \"start\": [0-9]*, \"end\": [0-9]*" \
		"$mesh/face_mesh_solution_packed_assets_loader.js" | grep -o '[0-9]*, "end": [0-9]*' | tr -dc '0-9 '
}
for name in face_landmark.tflite face_landmark_with_attention.tflite; do
	read -r start end < <(range "$name" | awk '{print $1, $NF}')
	dd if="$packed" of="$out/$name" bs=65536 iflag=skip_bytes,count_bytes skip="$start" count="$((end - start))" status=none
done

(cd "$out" && sha256sum -c <<'SUMS'
3bc182eb9f33925d9e58b5c8d59308a760f4adea8f282370e428c51212c26633  face_detection_short_range.tflite
c603fa6149219a3e9487dc9abd7a0c24474c77263273d24868378cdf40aa26d1  face_landmark.tflite
883b7411747bac657c30c462d305d312e9dec6adbf8b85e2f5d8d722fca9455d  face_landmark_with_attention.tflite
8d13b7fae74af625c641226813616a2117bd6bca19eb3b75574621fc08557f27  selfie_segmentation.tflite
SUMS
)
