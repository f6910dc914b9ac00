"""Applies the reasoned skips in the stacks' "//" metadata to checkov's terraform_json results.

Usage: checkov-report.py CHECKOV_JSON STACKS_ROOT [SUMMARY_JSON]

A failed check is accepted when the resource it names carries, in its "//" metadata, the string
"checkov:skip=<check id>:<reason>" with a non-empty reason (constructs/checkov.ts writes them).
Every other failed check is reported and makes the exit status 1; so do parsing errors. A skip
whose check passed (or no longer exists) is reported as stale, without failing.
"""

import json
import re
import sys
from collections import defaultdict
from pathlib import Path

# checkov's own suppression syntax (checkov.common.comment.enum.COMMENT_REGEX).
SKIP = re.compile(r"^checkov:skip=([A-Za-z_\d-]+):(.*)$")


def skips_of(resource):
    """{check id: reason} declared in one resource's "//" metadata."""
    found = {}
    for entry in (resource.get("//") or {}).get("checkov") or []:
        match = SKIP.match(entry)
        if match:
            found[match.group(1)] = match.group(2).strip()
    return found


def load_stacks(root):
    """{relative file path: {logical id: (type, skips)}} for every cdk.tf.json under root."""
    stacks = {}
    for path in Path(root).rglob("cdk.tf.json"):
        doc = json.loads(path.read_text())
        by_name = {}
        for block in ("resource", "data"):
            for rtype, resources in (doc.get(block) or {}).items():
                for name, body in resources.items():
                    by_name[name] = (rtype, skips_of(body))
        stacks["/" + str(path.relative_to(root))] = by_name
    return stacks


def main():
    results_file, root = sys.argv[1], sys.argv[2]
    summary_file = sys.argv[3] if len(sys.argv) > 3 else ""
    raw = json.load(open(results_file))
    reports = raw if isinstance(raw, list) else [raw]
    stacks = load_stacks(root)

    failed, accepted, passed, errors = [], [], 0, []
    fired = set()  # (file, logical id, check id) of every failed check
    for report in reports:
        results = report.get("results") or {}
        passed += len(results.get("passed_checks") or [])
        errors += results.get("parsing_errors") or []
        for check in results.get("failed_checks") or []:
            # Python checks name the resource "resource.<id>", graph checks "<type>.<id>".
            name = check["resource"].split(".")[-1]
            rtype, skips = stacks.get(check["file_path"], {}).get(name, ("?", {}))
            entry = {
                "check": check["check_id"],
                "name": check["check_name"],
                "file": check["file_path"],
                "resource": f"{rtype}.{name}",
            }
            fired.add((check["file_path"], name, check["check_id"]))
            reason = skips.get(check["check_id"], "")
            if reason:
                accepted.append({**entry, "reason": reason})
            else:
                failed.append(entry)

    stale = [
        {"file": f, "resource": f"{rtype}.{name}", "check": cid}
        for f, by_name in stacks.items()
        for name, (rtype, skips) in by_name.items()
        for cid in skips
        if (f, name, cid) not in fired
    ]

    by_check = defaultdict(list)
    for entry in accepted:
        by_check[(entry["check"], entry["reason"])].append(f'{entry["file"].split("/")[1]}: {entry["resource"]}')
    print(f"[checkov] {len(stacks)} stacks, {passed} checks passed, {len(accepted)} failed with a reasoned skip, "
          f"{len(failed)} failed without one, {len(errors)} parsing errors")
    for (check, reason), where in sorted(by_check.items()):
        print(f"[checkov]   skipped {check} on {len(where)} resource(s): {reason}")
    for entry in failed:
        print(f'[checkov]   FAILED {entry["check"]} ({entry["name"]}) on {entry["file"]}: {entry["resource"]}')
    for entry in stale:
        print(f'[checkov]   note: stale skip of {entry["check"]} on {entry["file"]}: {entry["resource"]} (the check did not fail)')
    for error in errors:
        print(f"[checkov]   PARSING ERROR: {error}")
    if summary_file:
        json.dump({"passed": passed, "accepted": accepted, "failed": failed, "stale": stale, "parsing_errors": errors},
                  open(summary_file, "w"), indent=2)
    return 1 if failed or errors else 0


if __name__ == "__main__":
    sys.exit(main())
