#!/usr/bin/env bash
# What a deploy would change, the way `npm run apply` would plan it:
#   npm run plan -- <stack> [--config <file>] [--out <plan file>] [--detailed-exitcode] [--no-lock]
#
# Synthesizes the config fresh, refuses a stack it does not have and an environment stack whose
# shared stack has not been applied (naming the command to run first), reads
# secrets/<stack>.tfvars when it exists, and prints the plan. With --out the plan is saved (its
# path relative to the stack's directory, cdktf.out/stacks/<stack>/); --detailed-exitcode exits 2
# when there are changes, as Terraform does; --no-lock reads the state without locking it (a
# pull-request plan beside a deploy).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=lib/stack.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib/stack.sh"
usage_line="npm run plan -- <stack> [--config <file>] [--out <plan file>] [--detailed-exitcode] [--no-lock]"
stack_argument "$@"
shift
plan_args=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --config) [[ $# -ge 2 ]] || usage; config=$2; shift ;;
    --out) [[ $# -ge 2 ]] || usage; plan_args+=("-out=$2"); shift ;;
    --detailed-exitcode) plan_args+=(-detailed-exitcode) ;;
    --no-lock) plan_args+=(-lock=false) ;;
    *) usage ;;
  esac
  shift
done

prepare_stack
exec "$binary" -chdir="$dir" plan -input=false "${var_args[@]}" "${plan_args[@]}"
