#!/usr/bin/env bash
# GPU check: one command, under 5 minutes, no network. Prints the GPU setup (WebGPU adapters: vendor, architecture,
# device, driver, software or not, limits; and the CUDA report), then trains the workshop CNN (MNIST) and the
# resnet-cifar template (random 32x32x3 images) on webgpu and wasm in the same run, plus tfjs-node-gpu and PyTorch
# CUDA (CNN only) where they load, and prints samples/s and the ratio to wasm.
#
# Beside a clean checkout it needs ONE ignored path, bench/gpu-kit/ (~38 MiB for linux-x64, built here with
# `node scripts/build-gpu-kit.mjs [linux-x64|linux-arm64|darwin-universal|win32-x64]`): bench/gpu-speed.ts bundled
# with all its JS dependencies (tfjs, the engine), the tfjs-backend-wasm .wasm files, the `webgpu` package with one
# platform's Dawn binary, and MNIST's training files. No node_modules needed. With node_modules present (a normal
# checkout after npm install) it runs from source instead. Node 20+ on PATH; /usr/bin/python3 with torch for PyTorch.
#
# Usage: bench/gpu-check.sh        (env: GPU_CHECK_SECONDS per measurement, default 12: 7 runs of at most 2x+15 s each)
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
kit=$root/bench/gpu-kit
secs=${GPU_CHECK_SECONDS:-12}
limit=$((secs * 2 + 15))
if [ -f "$kit/gpu-speed.mjs" ]; then
  speed() { BENCH_REPO=$root LAYERLAB_WASM_DIR=$kit/wasm/ BENCH_DATA_DIR=${BENCH_DATA_DIR:-$kit/mnist} timeout "$limit" node "$kit/gpu-speed.mjs" "$@"; }
  mnist=${BENCH_DATA_DIR:-$kit/mnist}
elif [ -d node_modules/@tensorflow/tfjs ]; then
  speed() { timeout "$limit" node --import tsx bench/gpu-speed.ts "$@"; }
  mnist=${BENCH_DATA_DIR:-$root/../shared/datasets/mnist}
else
  echo "gpu-check: needs bench/gpu-kit/ (node scripts/build-gpu-kit.mjs on a machine with node_modules) or node_modules" >&2
  exit 2
fi
# Dawn's "XDG_RUNTIME_DIR is invalid" lines are harmless noise.
quiet() { grep -v 'XDG_RUNTIME_DIR' >&2; }

echo "== GPU setup ($(date -u +%FT%TZ), node $(node --version))"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
speed --probe 2> >(quiet)
echo

results=$(mktemp)
measure() { # model backend samples
  local line
  line=$(speed --model "$1" --backend "$2" --samples "$3" --batch 32 --seconds "$secs" 2> >(quiet) | tail -1)
  [ -n "$line" ] || line="{\"backend\":\"$2\",\"model\":\"$1\",\"error\":\"no result within ${limit}s\"}"
  echo "$line" | tee -a "$results"
}
echo "== Training speed (samples/s; batch 32, median of the epochs that fit in ${secs}s)"
for b in webgpu wasm tfjs-node-gpu; do measure cnn "$b" 1024; done
for b in webgpu wasm tfjs-node-gpu; do measure resnet "$b" 256; done
if [ -f "$mnist/train-images-idx3-ubyte.gz" ]; then
  torch=$(BENCH_TORCH_DEVICE=cuda timeout "$limit" /usr/bin/python3 bench/pytorch_cnn.py "$mnist" 4096 32 "$(nproc)" 2>/dev/null | tail -1)
  if echo "$torch" | grep -q samples_per_second; then
    echo "$torch" | node -e 'const j=JSON.parse(require("fs").readFileSync(0,"utf8"));console.log(JSON.stringify({backend:"pytorch-cuda",detail:`torch ${j.torch}`,model:"cnn",samplesPerSecond:j.samples_per_second}))' | tee -a "$results"
  else
    echo "{\"backend\":\"pytorch-cuda\",\"model\":\"cnn\",\"error\":$(printf '%s' "${torch:-/usr/bin/python3 with torch not found}" | node -e 'process.stdout.write(JSON.stringify(require("fs").readFileSync(0,"utf8").trim()))')}" | tee -a "$results"
  fi
fi
echo
echo "== Ratios to wasm (same run, same machine)"
node -e '
const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => { try { return JSON.parse(l); } catch { return null; } }).filter(Boolean);
for (const model of ["cnn", "resnet"]) {
  const wasm = rows.find((r) => r.model === model && r.backend === "wasm" && r.samplesPerSecond);
  console.log(model === "cnn" ? "workshop CNN (MNIST):" : "resnet-cifar template:");
  for (const r of rows.filter((r) => r.model === model)) {
    const what = r.error ? `not measured: ${r.error}` : `${r.samplesPerSecond.toFixed(1).padStart(9)} samples/s` + (wasm ? `  ${(r.samplesPerSecond / wasm.samplesPerSecond).toFixed(2)}x wasm` : "") + (r.detail ? `  [${r.detail}]` : "");
    console.log(`  ${r.backend.padEnd(14)} ${what}`);
  }
}' "$results"
rm -f "$results"
