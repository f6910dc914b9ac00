# shellcheck shell=bash disable=SC2034,SC2154  # variables shared with the scripts that source this file
# Sourced by scripts/apply-stack.sh and scripts/plan-stack.sh: one stack of one config, synthesized
# fresh, checked against the synth's own manifest, its shared dependency applied first, and the
# stack's own tfvars file (secrets/<stack>.tfvars, git-ignored) read when it exists.
#
# Sets: project, binary, outdir, config, stack, dir, var_args (array).

project=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# The script's usage line is $usage_line; `stack_argument "$@"` takes the stack, the first argument.
usage() { echo "usage: $usage_line" >&2; exit 2; }
stack_argument() {
  [[ $# -ge 1 && $1 != -* ]] || usage
  stack=$1
}
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

# State backend keys of their own: a stack whose S3 backend reads the profile of a credentials file
# (credentials: separate) gets that file written from STATE_ACCESS_KEY_ID/STATE_SECRET_ACCESS_KEY
# when they are set (CI), and is refused in one line when neither the file nor they exist. They
# never mix with the provider's AWS_* variables.
prepare_state_credentials() { # prepare_state_credentials <stack dir>
  # shellcheck disable=SC2016  # JavaScript, with its own template strings
  node -e '
    const fs = require("fs"), path = require("path");
    const [dir] = process.argv.slice(1);
    const s3 = (JSON.parse(fs.readFileSync(path.join(dir, "cdk.tf.json"), "utf8")).terraform.backend ?? {}).s3;
    const file = s3?.shared_credentials_files?.[0];
    if (file === undefined) process.exit(0);
    const target = path.resolve(dir, file);
    const { STATE_ACCESS_KEY_ID: id, STATE_SECRET_ACCESS_KEY: secret } = process.env;
    if (id && secret) {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, `[${s3.profile}]\naws_access_key_id = ${id}\naws_secret_access_key = ${secret}\n`, { mode: 0o600 });
      fs.chmodSync(target, 0o600);
    } else if (!fs.existsSync(target)) {
      console.error(`error: the state backend reads its own keys: set STATE_ACCESS_KEY_ID and STATE_SECRET_ACCESS_KEY, or write them to ${path.relative(process.cwd(), target)} as profile [${s3.profile}] (aws_access_key_id, aws_secret_access_key)`);
      process.exit(2);
    }
  ' "$1"
}

init_stack() { # init_stack <stack dir>
  prepare_state_credentials "$1"
  "$binary" -chdir="$1" init -input=false >&2
}

# require_dependencies: every stack this one reads (the shared stack) must have been applied:
# its outputs are what this stack's plan reads. One line says which to apply first.
require_dependencies() {
  local dependency
  for dependency in $(manifest_query 's.dependencies.join(" ")'); do
    local outputs
    prepare_state_credentials "$outdir/stacks/$dependency"
    if ! "$binary" -chdir="$outdir/stacks/$dependency" init -input=false >/dev/null 2>&1 ||
      ! outputs=$("$binary" -chdir="$outdir/stacks/$dependency" output -json 2>/dev/null) ||
      [[ $(node -e 'const o = JSON.parse(process.argv[1] || "{}"); process.stdout.write(String(Object.keys(o).length))' "$outputs") == 0 ]]; then
      echo "error: $stack reads $dependency, which has not been applied yet: run npm run apply -- $dependency --config $config first" >&2
      exit 2
    fi
  done
}

# prepare_stack: everything before the stack's plan, the same for a deploy and a plan.
prepare_stack() {
  synthesize
  require_dependencies
  set_var_args
  init_stack "$dir"
}

# The stack's own tfvars file, given to plan and again to apply (ephemeral variables are not kept
# in a saved plan).
var_args=()
set_var_args() {
  var_args=()
  local file=$project/secrets/$stack.tfvars
  if [[ -f $file ]]; then var_args=("-var-file=$file"); fi
}
