"""argon2id verify alone in Python, with the argon2-cffi the package ships, at our
parameters: what bench/benchlib/peers.py subtracts from a warm login.

usage: python argon2_verify.py [runs]  → {"verify_ms": [...], "verify_cpu_ms": [...]}
(run with the package directory on sys.path, as the function runs)
"""

import json
import sys
import time

from argon2 import PasswordHasher

runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
password = "bench-Quartz-7-lantern"
stored = hasher.hash(password)
hasher.verify(stored, password)  # warm-up
wall, cpu = [], []
for _ in range(runs):
    c0, t0 = time.process_time(), time.perf_counter()
    hasher.verify(stored, password)
    t1, c1 = time.perf_counter(), time.process_time()
    wall.append((t1 - t0) * 1000)
    cpu.append((c1 - c0) * 1000)
print(json.dumps({"verify_ms": wall, "verify_cpu_ms": cpu}))
