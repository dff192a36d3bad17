#!/usr/bin/env bash
# Container entry: decide on CUDA forward compatibility, then run the command (SageMaker passes `train`).
#
# The image's CUDA (12.4) needs a host driver >= 550.54.14. On an older datacenter driver the
# cuda-compat package's libcuda in /usr/local/cuda/compat lets the newer CUDA run anyway; on a driver
# that is new enough those libraries must NOT be used (they would replace a newer libcuda), so the
# choice is made at start, from the driver the host actually mounted.
set -euo pipefail

CUDA_COMPAT_DIR="${CUDA_COMPAT_DIR:-/usr/local/cuda/compat}"
REQUIRED_DRIVER="${CUDA_REQUIRED_DRIVER:-550.54.14}"

host_driver() {
  if command -v nvidia-smi >/dev/null 2>&1; then
    nvidia-smi --query-gpu=driver_version --format=csv,noheader 2>/dev/null | head -n1 | tr -d ' ' && return
  fi
  if [[ -r /proc/driver/nvidia/version ]]; then
    sed -n 's/.*Kernel Module *\([0-9.]*\).*/\1/p' /proc/driver/nvidia/version | head -n1
  fi
}

driver="$(host_driver || true)"
if [[ -n "${driver}" && -d "${CUDA_COMPAT_DIR}" ]]; then
  oldest="$(printf '%s\n%s\n' "${driver}" "${REQUIRED_DRIVER}" | sort -V | head -n1)"
  if [[ "${oldest}" == "${driver}" && "${driver}" != "${REQUIRED_DRIVER}" ]]; then
    echo "host driver ${driver} is older than ${REQUIRED_DRIVER} (CUDA 12.4): using CUDA forward compatibility libraries in ${CUDA_COMPAT_DIR}"
    export LD_LIBRARY_PATH="${CUDA_COMPAT_DIR}${LD_LIBRARY_PATH:+:${LD_LIBRARY_PATH}}"
  fi
fi

if [[ $# -eq 0 ]]; then
  set -- train
fi
exec "$@"
