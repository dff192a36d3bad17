#!/usr/bin/env bash
# Installs what `npm start` and `npm test` need, once: npm packages and, on Debian/Ubuntu as root, the
# Python packages the training program and the container tests use (for /usr/bin/python3).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "bootstrap: installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

need_python=${1:-python}
if [ "$need_python" = "python" ]; then
  if ! /usr/bin/python3 -c 'import torch, torchvision, PIL, pytest' >/dev/null 2>&1 || \
     [ ! -f /usr/lib/python3/dist-packages/botocore/data/sagemaker/2017-07-24/service-2.json ]; then
    if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
      echo "bootstrap: installing Debian packages python3-torch python3-torchvision python3-pil python3-pytest python3-botocore"
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq python3-torch python3-torchvision python3-pil python3-pytest python3-botocore \
        libopenblas0-pthread >/dev/null
    else
      cat >&2 <<'MSG'
bootstrap: /usr/bin/python3 needs PyTorch, torchvision, Pillow and pytest, and the SageMaker API model
(python3-botocore). On Debian/Ubuntu run:
  sudo apt-get install -y python3-torch python3-torchvision python3-pil python3-pytest python3-botocore libopenblas0-pthread
Elsewhere, install Docker with the NVIDIA container toolkit and a GPU, or PyTorch for /usr/bin/python3.
MSG
      exit 1
    fi
  fi
fi
