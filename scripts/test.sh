#!/usr/bin/env bash
# The project's test command (`npm test`): TypeScript unit, handler, template and end-to-end tests with
# node's runner, then the training program's tests with pytest. Ends with one line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh python || exit 1

log_dir=$(mktemp -d)
# The SDK warns that Node.js 20 will lose support; Lambda runs nodejs22.x, and the warning only clutters test output.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
suites=("test/unit" "test/handlers" "test/template" "test/e2e")
node_files=()
for dir in "${suites[@]}"; do
  [ -d "$dir" ] && while IFS= read -r f; do node_files+=("$f"); done < <(find "$dir" -name '*.test.ts' | sort)
done

echo "== node tests (${#node_files[@]} files)"
node --import tsx --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$log_dir/node.tap" "${node_files[@]}"
node_rc=$?
node_pass=$(grep -E '^# pass ' "$log_dir/node.tap" | awk '{print $3}')
node_fail=$(grep -E '^# fail ' "$log_dir/node.tap" | awk '{print $3}')

echo "== container tests (pytest, /usr/bin/python3)"
OMP_NUM_THREADS=2 /usr/bin/python3 -m pytest container/tests -q -p no:cacheprovider | tee "$log_dir/pytest.log"
py_rc=${PIPESTATUS[0]}
py_pass=$(grep -Eo '[0-9]+ passed' "$log_dir/pytest.log" | tail -1 | awk '{print $1}')
py_fail=$(grep -Eo '[0-9]+ (failed|error|errors)' "$log_dir/pytest.log" | awk '{s+=$1} END {print s+0}')

passed=$(( ${node_pass:-0} + ${py_pass:-0} ))
failed=$(( ${node_fail:-0} + ${py_fail:-0} ))
if [ "$node_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "$py_rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "node: ${node_pass:-0} passed, ${node_fail:-0} failed; pytest: ${py_pass:-0} passed, ${py_fail:-0} failed"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
