#!/usr/bin/python3
"""examples/dask/audit_dask.py: `willis audit` scaled out on Dask distributed (docs/audit.md,
"Beyond one machine"). The same counts and flagged lines as `willis audit EXPORT` on one machine.

    audit_dask.py EXPORT_DIR --as-of YYYY-MM-DD --willis PATH --out DIR
                  [--workers 2] [--partition-bytes 1048576]

1. Partitions: every *.ndjson file in byte ranges of --partition-bytes (a range owns the lines
   that start in it), every *.ndjson.gz file whole (gzip cannot be split). Files in sorted order.
2. Each partition is read on a worker: one record per line, (key, file index, offset, line).
   The key is the patient: a Patient's id, else subject.reference "Patient/ID". Medication
   resources are collected apart (small) and joined to the requests that name them: a request with
   no medicationCodeableConcept and medicationReference "Medication/ID" gets that Medication's
   `code` as its medicationCodeableConcept (willis reads both the same way); the Medication lines
   themselves form one group, so each is counted once. A line with no patient (bad JSON, no
   subject) is a group of its own, so it is counted as the file run counts it.
3. Group by key (a Dask bag shuffle across the worker processes); each group's lines in input
   order (file, offset), joined into one JSON array line.
4. Each partition of groups is piped through `willis audit --grouped --summary-json` on a worker.
5. The driver writes the partial summaries to OUT/summary-N.json, adds them up with
   `willis audit merge OUT/summary-*.json` (exact sums; ids and sources checked equal) into
   OUT/summary.json, and sorts the flagged lines by patient id (bytes), then indicator order, into
   OUT/flagged.ndjson, the order of `willis audit --out`.
Needs Debian's python3-distributed (scripts/install-deps). Runs a LocalCluster of --workers
processes, one thread each.
"""
import argparse
import glob
import gzip
import json
import os
import subprocess
import sys


def partitions(export, size):
    files = sorted(glob.glob(os.path.join(export, "*.ndjson")) + glob.glob(os.path.join(export, "*.ndjson.gz")))
    out = []
    for index, path in enumerate(files):
        if path.endswith(".gz"):
            out.append((index, path, 0, -1))
            continue
        total = os.path.getsize(path)
        for start in range(0, max(total, 1), size):
            out.append((index, path, start, min(total, start + size)))
    return files, out


def read_partition(part):
    """The lines that start in [start, end) of a file (the whole file for gzip), with their offsets."""
    index, path, start, end = part
    if end < 0:
        with gzip.open(path, "rb") as f:
            view = f.read()
        offset = 0
    else:
        with open(path, "rb") as f:
            offset = start
            if start > 0:
                f.seek(start - 1)
                if f.read(1) != b"\n":  # mid-line: that line belongs to the previous range
                    offset = start + len(f.readline())
            f.seek(offset)
            view = f.read(max(0, end - offset))
            if view and not view.endswith(b"\n"):
                view += f.readline()  # the last line that starts here, to its end
    records = []
    position = 0
    while position < len(view):
        newline = view.find(b"\n", position)
        stop = len(view) if newline < 0 else newline
        line = view[position:stop]
        if line.strip():
            records.append(classify(index, offset + position, line))
        position = stop + 1
    return records


def classify(index, offset, line):
    try:
        r = json.loads(line)
    except ValueError:
        return ("\x00%d:%d" % (index, offset), index, offset, line, None)
    if not isinstance(r, dict):
        return ("\x00%d:%d" % (index, offset), index, offset, line, None)
    kind = r.get("resourceType")
    if kind == "Patient" and isinstance(r.get("id"), str) and r["id"]:
        return (r["id"], index, offset, line, None)
    if kind == "Medication":
        return ("\x00medications", index, offset, line, r)
    subject = r.get("subject")
    ref = subject.get("reference") if isinstance(subject, dict) else None
    if isinstance(ref, str) and ref.startswith("Patient/") and len(ref) > 8 and "/" not in ref[8:]:
        return (ref[8:], index, offset, line, r if kind in ("MedicationRequest", "MedicationStatement") else None)
    return ("\x00%d:%d" % (index, offset), index, offset, line, None)


def group_line(records, medications):
    """One group's lines in input order, as one JSON array line (requests joined to their Medication)."""
    parts = []
    for _, _, _, line, parsed in sorted(records, key=lambda r: (r[1], r[2])):
        if parsed is not None and parsed.get("resourceType") in ("MedicationRequest", "MedicationStatement"):
            ref = (parsed.get("medicationReference") or {}).get("reference", "")
            if "medicationCodeableConcept" not in parsed and isinstance(ref, str) and ref.startswith("Medication/"):
                code = medications.get(ref[len("Medication/"):])
                if code is not None:
                    parsed = dict(parsed, medicationCodeableConcept=code)
                    line = json.dumps(parsed, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        parts.append(line)
    return b"[" + b",".join(parts) + b"]"


def audit_groups(lines, willis, as_of, workdir):
    import uuid
    summary = os.path.join(workdir, "part-%s.json" % uuid.uuid4().hex)
    run = subprocess.run([willis, "audit", "--grouped", "--as-of", as_of, "--summary-json", summary],
                         input=b"".join(line + b"\n" for line in lines), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, check=False)
    if run.returncode != 0:
        raise RuntimeError("willis audit --grouped failed: " + run.stderr.decode("utf-8", "replace"))
    with open(summary, "rb") as f:
        text = f.read()
    os.unlink(summary)
    return [(run.stdout, text)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("export")
    parser.add_argument("--as-of", required=True)
    parser.add_argument("--willis", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--partition-bytes", type=int, default=1 << 20)
    args = parser.parse_args()
    willis = os.path.abspath(args.willis)
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    for old in glob.glob(os.path.join(out, "summary-*.json")):
        os.unlink(old)

    # A bag groupby sends a key to the partition its hash() names: every worker process must hash
    # strings alike (Python randomises str hashes per process unless PYTHONHASHSEED is set).
    os.environ["PYTHONHASHSEED"] = "0"
    import dask
    import dask.bag as db
    from distributed import Client, LocalCluster

    dask.config.set({"temporary-directory": os.path.join(out, "dask-tmp")})
    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40, local_directory=os.path.join(out, "dask-tmp")) as cluster, Client(cluster) as client:
        files, parts = partitions(args.export, args.partition_bytes)
        records = db.from_sequence(parts, npartitions=len(parts)).map(read_partition).flatten()
        # The Medication table is small: collected once and handed to every group.
        medications = {}
        for _, _, _, _, parsed in records.filter(lambda r: r[0] == "\x00medications").compute():
            if isinstance(parsed.get("id"), str) and "code" in parsed and parsed["id"] not in medications:
                medications[parsed["id"]] = parsed["code"]
        groups = records.groupby(lambda r: r[0], shuffle="tasks")
        lines = groups.map(lambda kv: group_line(kv[1], medications))
        npartitions = max(1, min(len(parts), 2 * args.workers))
        lines = lines.repartition(npartitions=npartitions)
        results = lines.map_partitions(lambda part: audit_groups(list(part), willis, args.as_of, out)).compute()
        print("audit_dask: %d files in %d partitions on %d worker processes; %d groups in %d willis runs"
              % (len(files), len(parts), len(client.scheduler_info()["workers"]), groups.count().compute(), len(results)))

    flagged = []
    for number, (stdout, summary) in enumerate(results):
        with open(os.path.join(out, "summary-%d.json" % number), "wb") as f:
            f.write(summary)
        flagged += [line for line in stdout.split(b"\n") if line]
    merge = subprocess.run([willis, "audit", "merge"] + sorted(glob.glob(os.path.join(out, "summary-*.json"))),
                           stdout=subprocess.PIPE, check=False)
    if merge.returncode != 0:
        sys.stderr.write("audit_dask: willis audit merge failed\n")
        return 1
    with open(os.path.join(out, "summary.json"), "wb") as f:
        f.write(merge.stdout)
    order = {item["id"]: index for index, item in enumerate(json.loads(merge.stdout)["indicators"])}

    def key(line):
        row = json.loads(line)
        return (row["patient"].encode("utf-8"), order[row["indicator"]])

    with open(os.path.join(out, "flagged.ndjson"), "wb") as f:
        for line in sorted(flagged, key=key):
            f.write(line + b"\n")
    print("audit_dask: wrote %s/summary.json and %s/flagged.ndjson (%d flagged lines)" % (out, out, len(flagged)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
