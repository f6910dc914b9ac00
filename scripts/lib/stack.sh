# shellcheck shell=bash disable=SC2034,SC2154  # variables shared with the scripts that source this file
# Sourced by scripts/apply-stack.sh and scripts/plan-stack.sh: one stack of one config, synthesized
# fresh, checked against the synth's own manifest, its shared dependency applied first, and the
# stack's own tfvars file (secrets/<stack>.tfvars, git-ignored) read when it exists.
#
# Sets: project, binary, outdir, config, stack, dir, var_args (array), backend_args (array).

project=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
binary=${TERRAFORM_BINARY_NAME:-terraform}
# cdktf writes to $CDKTF_OUTDIR when it is set, else to cdktf.out.
outdir=${CDKTF_OUTDIR:-cdktf.out}
config=${STORAGE_CONFIG:-storage.yaml}

# manifest_query <js expression over m (the manifest) and s (the stack)>: prints the result.
manifest_query() {
  node -e '
    const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const s = m.stacks[process.argv[2]];
    process.stdout.write(String(eval(process.argv[3])));
  ' "$outdir/manifest.json" "$stack" "$1"
}

# synthesize: the config into $outdir, then the stack must be one of this synth's (the manifest
# lists exactly those; directories of earlier configs do not count).
synthesize() {
  cd "$project" || exit 2
  npm run -s synth -- --config "$config"
  if [[ $(manifest_query 's !== undefined') != true ]]; then
    echo "error: $config has no stack $stack (its stacks: $(manifest_query 'Object.keys(m.stacks).join(" ")'))" >&2
    exit 2
  fi
  dir=$outdir/stacks/$stack
}

# State backend credentials of their own (STATE_ACCESS_KEY_ID / STATE_SECRET_ACCESS_KEY), passed
# to init as backend settings so they never mix with the provider's AWS_* variables.
backend_args=()
set_backend_args() {
  backend_args=()
  if [[ -n ${STATE_ACCESS_KEY_ID:-} || -n ${STATE_SECRET_ACCESS_KEY:-} ]]; then
    backend_args=("-backend-config=access_key=${STATE_ACCESS_KEY_ID:-}" "-backend-config=secret_key=${STATE_SECRET_ACCESS_KEY:-}")
  fi
}

init_stack() { # init_stack <stack dir>
  set_backend_args
  "$binary" -chdir="$1" init -input=false "${backend_args[@]}" >&2
}

# require_dependencies: every stack this one reads (the shared stack) must have been applied:
# its outputs are what this stack's plan reads. One line says which to apply first.
require_dependencies() {
  local dependency
  for dependency in $(manifest_query 's.dependencies.join(" ")'); do
    local outputs
    if ! init_stack "$outdir/stacks/$dependency" >/dev/null 2>&1 ||
      ! outputs=$("$binary" -chdir="$outdir/stacks/$dependency" output -json 2>/dev/null) ||
      [[ $(node -e 'const o = JSON.parse(process.argv[1] || "{}"); process.stdout.write(String(Object.keys(o).length))' "$outputs") == 0 ]]; then
      echo "error: $stack reads $dependency, which has not been applied yet: run npm run apply -- $dependency --config $config first" >&2
      exit 2
    fi
  done
}

# The stack's own tfvars file, given to plan and again to apply (ephemeral variables are not kept
# in a saved plan).
var_args=()
set_var_args() {
  var_args=()
  local file=$project/secrets/$stack.tfvars
  if [[ -f $file ]]; then var_args=("-var-file=$file"); fi
}
