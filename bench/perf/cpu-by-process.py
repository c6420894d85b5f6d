#!/usr/bin/env python3
"""CPU used per second by process group (dotnet, RabbitMQ, PostgreSQL, everything else), in % of one core.

Reads utime + stime of every process in /proc once a second and prints the difference, one line per second:
    time dotnet rabbit postgres other
Run it beside a bench and average the seconds of the phase you measure (the bench prints when each phase ends).
Why: on the 2-core machines the hub, the broker and the database share the CPU; a profile of the hub alone does not
say what a referral costs the machine (docs/benchmarks.md, issue 17, session 16).
Usage: python3 bench/perf/cpu-by-process.py > cpu.log &   ...   kill %1
"""
import collections
import os
import time

HZ = os.sysconf('SC_CLK_TCK')
GROUPS = ['dotnet', 'rabbit', 'postgres']


def group(comm):
    if comm.startswith('postgres'):
        return 'postgres'
    if comm in ('beam.smp', 'erl_child_setup', 'epmd', 'inet_gethost'):
        return 'rabbit'
    return comm


def snapshot():
    ticks = {}
    for pid in os.listdir('/proc'):
        if not pid.isdigit():
            continue
        try:
            with open(f'/proc/{pid}/stat') as f:
                stat = f.read()
        except OSError:
            continue  # the process ended meanwhile
        comm = stat[stat.index('(') + 1:stat.rindex(')')]
        fields = stat[stat.rindex(')') + 2:].split()
        ticks[(pid, group(comm))] = int(fields[11]) + int(fields[12])  # utime + stime
    return ticks


def main():
    previous = snapshot()
    print('time', *GROUPS, 'other', flush=True)
    while True:
        time.sleep(1)
        current = snapshot()
        used = collections.Counter()
        for key, ticks in current.items():
            if key in previous:  # a process started in this second is counted from its next one
                used[key[1]] += ticks - previous[key]
        previous = current
        other = sum(v for k, v in used.items() if k not in GROUPS)
        print(time.strftime('%H:%M:%S'), *[round(used[g] * 100 / HZ) for g in GROUPS], round(other * 100 / HZ), flush=True)


if __name__ == '__main__':
    main()
