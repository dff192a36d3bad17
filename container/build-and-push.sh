#!/usr/bin/env bash
# Builds the training image, pushes it to Amazon ECR and prints the URI for TRAINING_IMAGE_URI.
#
# Usage: container/build-and-push.sh [--dry-run] [--repository NAME] [--region REGION] [--account ID]
# Environment: REPOSITORY_NAME, AWS_REGION (or AWS_DEFAULT_REGION), AWS_ACCOUNT_ID.
# --dry-run prints every command instead of running it (no docker or aws needed).
#
# The tag is the git revision (short sha, with -dirty when the working tree has uncommitted changes),
# so a configuration always names exactly the code it trains with.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repository="${REPOSITORY_NAME:-gpu-training-orchestrator/resnet-trainer}"
region="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
account="${AWS_ACCOUNT_ID:-}"
dry_run=false

usage() { sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --dry-run) dry_run=true; shift ;;
    --repository) repository="${2:?--repository needs a value}"; shift 2 ;;
    --region) region="${2:?--region needs a value}"; shift 2 ;;
    --account) account="${2:?--account needs a value}"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

# Prints the command; runs it unless this is a dry run.
run() {
  echo "+ $*"
  if [[ "${dry_run}" == false ]]; then "$@"; fi
}

if [[ -z "${region}" ]]; then
  if [[ "${dry_run}" == true ]]; then region="us-east-1"
  else region="$(aws configure get region || true)"; fi
fi
if [[ -z "${region}" ]]; then
  echo "no region: pass --region or set AWS_REGION" >&2; exit 2
fi
if [[ -z "${account}" ]]; then
  if [[ "${dry_run}" == true ]]; then account="123456789012"
  else account="$(aws sts get-caller-identity --query Account --output text)"; fi
fi

revision="$(git -C "${here}" rev-parse --short HEAD 2>/dev/null || echo "norev")"
# Only changes under container/ change the image, so only they make the tag dirty.
if [[ -n "$(git -C "${here}" status --porcelain -- . 2>/dev/null || true)" ]]; then
  revision="${revision}-dirty"
fi

registry="${account}.dkr.ecr.${region}.amazonaws.com"
local_image="${repository}:${revision}"
image_uri="${registry}/${repository}:${revision}"

# SageMaker GPU hosts are x86-64: build for them even on an Arm laptop.
run docker build --platform linux/amd64 --tag "${local_image}" "${here}"

if [[ "${dry_run}" == true ]]; then
  echo "+ aws ecr describe-repositories --repository-names ${repository} --region ${region} || aws ecr create-repository --repository-name ${repository} --region ${region} --image-scanning-configuration scanOnPush=true"
elif ! aws ecr describe-repositories --repository-names "${repository}" --region "${region}" >/dev/null 2>&1; then
  run aws ecr create-repository --repository-name "${repository}" --region "${region}" \
    --image-scanning-configuration scanOnPush=true >/dev/null
fi

echo "+ aws ecr get-login-password --region ${region} | docker login --username AWS --password-stdin ${registry}"
if [[ "${dry_run}" == false ]]; then
  aws ecr get-login-password --region "${region}" | docker login --username AWS --password-stdin "${registry}"
fi

run docker tag "${local_image}" "${image_uri}"
run docker push "${image_uri}"

echo
echo "TRAINING_IMAGE_URI=${image_uri}"
