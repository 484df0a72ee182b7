// argon2id verify alone in Node.js, with the binding the bundle ships (dist/node_modules),
// at our parameters: what bench/benchlib/peers.py subtracts from a warm login.
// usage: node argon2-verify.mjs [runs]  → {"verify_ms": [...], "verify_cpu_ms": [...]}

import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, "dist", "index.mjs"));
const { hash, verify } = require("@node-rs/argon2");

const runs = Number(process.argv[2] || 20);
const options = { memoryCost: 19456, timeCost: 2, parallelism: 1, algorithm: 2 };
const password = "bench-Quartz-7-lantern";
const stored = await hash(password, options);
if (!(await verify(stored, password))) throw new Error("verify failed");  // warm-up

const wall = [];
const cpu = [];
for (let i = 0; i < runs; i++) {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const ok = await verify(stored, password);
  const t1 = process.hrtime.bigint();
  const c1 = process.cpuUsage(c0);
  if (!ok) throw new Error("verify failed");
  wall.push(Number(t1 - t0) / 1e6);
  cpu.push((c1.user + c1.system) / 1000);
}
console.log(JSON.stringify({ verify_ms: wall, verify_cpu_ms: cpu }));
