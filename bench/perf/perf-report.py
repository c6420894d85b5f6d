#!/usr/bin/env python3
"""On-CPU profile of the hub from `perf script` output (bench/perf/record.sh writes it).

Where the CPU went, not where threads waited (the EventPipe trace of `referral-flow --trace` samples every thread,
waiting or not). Prints: samples by native library / JIT code (with the JIT tier of the managed leaf: quick, instrumented
or optimised code), the assembly of the innermost managed frame, and the inclusive share of our own methods (those
under ReferralHub.*). Usage: perf-report.py perf.txt [--top N]
"""
import collections
import re
import sys

path = sys.argv[1]
top = int(sys.argv[sys.argv.index("--top") + 1]) if "--top" in sys.argv else 30

samples, current = [], None
for line in open(path, errors="replace"):
    if not line.strip():
        continue
    if not line.startswith("\t"):  # a sample's header line: its frames follow, one per line, leaf first
        if current is not None:
            samples.append(current)
        current = []
        continue
    m = re.match(r"\S+ (.*) \((.*)\)$", line.strip())
    if m and current is not None:
        current.append((m.group(1), m.group(2).split("/")[-1]))
if current:
    samples.append(current)
total = len(samples) or 1


def managed(symbol):
    return "::" in symbol


def our_method(symbol):
    """ReferralHub.X.Type.Method for a frame of our code (an async method's state machine or lambda named as its method)."""
    m = re.search(r"\] (ReferralHub\.[^\s(:]*)::([^\s(\[]+)", symbol)
    if not m:
        return None
    owner, method = m.group(1), m.group(2)
    lam = re.search(r"<<(\w+)>b__\w+>d$|<(\w+)>b__\w+$", owner + "::" + method) or re.search(r"<<(\w+)>b__", owner)
    owner = re.sub(r"`\d+", "", re.sub(r"`\d+\[.*$", "", owner))
    state = re.match(r"(.*?)\+<(\w+)>d__\d+", owner)
    if state:
        declaring = re.sub(r"`\d+", "", state.group(1)).split("+<>c")[0]
        return f"{declaring}.{state.group(2)}"
    if lam:
        return f"{owner.split('+<>c')[0]}.{lam.group(1) or lam.group(2)} (lambda)"
    return f"{owner}.{method}"


def pct(n):
    return f"{100 * n / total:5.1f} %"


kind, tier, assembly, ours = collections.Counter(), collections.Counter(), collections.Counter(), collections.Counter()
for stack in samples:
    if not stack:
        continue
    leaf, leaf_dso = stack[0]
    jit = leaf_dso.startswith("perf-")
    has_managed = any(managed(s) for s, _ in stack)
    where = "JIT code (managed)" if jit else leaf_dso
    kind[("managed stack" if has_managed else "no managed frame") + ", leaf in " + where] += 1
    if jit:
        t = re.search(r"\[(\w+)\]$", leaf)
        tier[t.group(1) if t else "stubs"] += 1
    frame = next((s for s, _ in stack if managed(s)), None)
    if frame:
        a = re.search(r"\[([A-Za-z][\w.]*)\] [\w.`+<>|]+::", frame)
        assembly[a.group(1) if a else "dynamic methods (EF Core, DI)"] += 1
    seen = set()
    for s, _ in stack:
        name = our_method(s)
        if name and name not in seen:
            seen.add(name)
            ours[name] += 1

print(f"{total} samples\n")
print("| where the CPU was (leaf) | share |\n|---|---:|")
for k, v in kind.most_common(12):
    print(f"| {k} | {pct(v)} |")
print("\n| JIT code at the leaf, by tier | share |\n|---|---:|")
for k, v in tier.most_common():
    print(f"| {k} | {pct(v)} |")
print("\n| innermost managed frame's assembly | share |\n|---|---:|")
for k, v in assembly.most_common(top):
    print(f"| {k} | {pct(v)} |")
print("\n| our methods, inclusive (on the stack) | share |\n|---|---:|")
for k, v in ours.most_common(top):
    print(f"| {k} | {pct(v)} |")
