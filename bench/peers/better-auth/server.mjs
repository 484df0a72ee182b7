// better-auth's email-and-password sign-in on a plain Node server, as a peer for our
// login in `make bench` (driven by bench/benchlib/better_auth.py; run alone with
// `python3 bench/better_auth.py`).
//
// Served the way better-auth documents for node:http: `toNodeHandler(auth)` mounted on
// /api/auth/*. Its memory adapter (`memoryAdapter` from better-auth/adapters/memory,
// which takes the tables as a plain object of arrays) holds the member, so no network
// I/O happens during a sign-in, unlike ours, which calls DynamoDB twice.
//
// Passwords: argon2id through @node-rs/argon2 at our parameters (m=19456 KiB, t=2, p=1,
// 32-byte output, the crate's defaults as in shared/), plugged in as better-auth's
// `emailAndPassword.password.{hash,verify}` (its default is scrypt).
//
// Two modes:
//   node server.mjs --seed-out FILE   signs the member up through better-auth's own
//                                     sign-up API (auth.api.signUpEmail, so the rows and
//                                     the argon2 hash are better-auth's own), writes the
//                                     user and account tables to FILE and exits; the
//                                     bench runs it once, outside any timed window.
//   node server.mjs                   the timed server: loads SEED_FILE into the memory
//                                     tables (as a database would already hold the
//                                     member), builds the auth instance, listens on
//                                     127.0.0.1:PORT (0: any free port) and prints one
//                                     JSON line {"ready": true, "port": N} when it
//                                     accepts connections.
//
// Bench-only routes besides /api/auth/* (not better-auth's):
//   GET /bench/stats          server-side durations of every POST /api/auth/sign-in/email
//                             (request event → response finished), in µs
//   GET /bench/cpu            the process's CPU time so far (user, system), in µs
//   GET /bench/argon2?n=N     N awaited @node-rs/argon2 verifies of the member's stored
//                             hash, one at a time, as better-auth's sign-in awaits one;
//                             wall µs of each and process CPU µs over them
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { Algorithm, hash, verify } from "@node-rs/argon2";
import { betterAuth } from "better-auth";
import { memoryAdapter } from "better-auth/adapters/memory";
import { toNodeHandler } from "better-auth/node";

const ARGON2 = { algorithm: Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 };
const PORT = Number(process.env.PORT ?? 0);
const BASE_URL = process.env.BASE_URL ?? "http://127.0.0.1";
const EMAIL = process.env.BENCH_EMAIL ?? "bench@example.com";
const PASSWORD = process.env.BENCH_PASSWORD ?? "bench-Quartz-7-lantern";

// The tables better-auth's core schema uses; the memory adapter keeps them as arrays.
const db = { user: [], session: [], account: [], verification: [] };

function makeAuth(baseURL) {
  return betterAuth({
    baseURL,
    // Required under NODE_ENV=production (the bench runs production mode, as deployed);
    // from the environment, a fixed test value by default.
    secret: process.env.BETTER_AUTH_SECRET ?? "bench-only-secret-0123456789abcdef0123456789",
    database: memoryAdapter(db),
    emailAndPassword: {
      enabled: true,
      password: {
        hash: (password) => hash(password, ARGON2),
        verify: ({ hash: stored, password }) => verify(stored, password),
      },
    },
    // Off explicitly (its default in this version is off too; BETTER_AUTH_TELEMETRY=0 is
    // also set by the driver): no usage report leaves the process.
    telemetry: { enabled: false },
    // Rate limiting stays on (its default in production), in memory, so its per-request
    // bookkeeping is counted as our login's counters are; but the sign-in rule (3 per
    // 10 s per address by default) is raised so that the bench's repeated sign-ins from
    // one address are all answered. The driver sends x-forwarded-for, as a proxy in
    // front would, so the limiter has an address to key on.
    rateLimit: {
      enabled: true,
      storage: "memory",
      customRules: { "/sign-in/email": { window: 10, max: 1_000_000 } },
    },
  });
}

function reviveDates(row) {
  for (const k of ["createdAt", "updatedAt", "expiresAt", "accessTokenExpiresAt", "refreshTokenExpiresAt"]) {
    if (typeof row[k] === "string") row[k] = new Date(row[k]);
  }
  return row;
}

async function seed(out) {
  const auth = makeAuth(BASE_URL);
  await auth.api.signUpEmail({ body: { email: EMAIL, password: PASSWORD, name: "Bench Member" } });
  // The session that sign-up's auto sign-in made is left out: only the member is seeded.
  writeFileSync(out, JSON.stringify({ user: db.user, account: db.account }));
}

async function serve() {
  const seeded = JSON.parse(readFileSync(process.env.SEED_FILE, "utf8"));
  db.user.push(...seeded.user.map(reviveDates));
  db.account.push(...seeded.account.map(reviveDates));
  const storedHash = db.account.find((a) => a.providerId === "credential").password;

  let auth = null;
  let handler = null;
  const signinUs = [];

  const server = createServer(async (req, res) => {
    if (req.url.startsWith("/api/auth/")) {
      if (req.method === "POST" && req.url === "/api/auth/sign-in/email") {
        const t0 = process.hrtime.bigint();
        res.on("finish", () => signinUs.push(Number(process.hrtime.bigint() - t0) / 1000));
      }
      return handler(req, res);
    }
    const url = new URL(req.url, "http://x");
    if (url.pathname === "/bench/stats") {
      res.setHeader("content-type", "application/json");
      return res.end(JSON.stringify({ signin_us: signinUs }));
    }
    if (url.pathname === "/bench/cpu") {
      // getrusage(RUSAGE_SELF): every thread, libuv's pool (where argon2 runs) included.
      const cpu = process.cpuUsage();
      res.setHeader("content-type", "application/json");
      return res.end(JSON.stringify({ user_us: cpu.user, system_us: cpu.system }));
    }
    if (url.pathname === "/bench/argon2") {
      const n = Number(url.searchParams.get("n") ?? 10);
      const wall = [];
      const cpu0 = process.cpuUsage();
      for (let i = 0; i < n; i++) {
        const t0 = process.hrtime.bigint();
        if (!(await verify(storedHash, PASSWORD))) throw new Error("argon2 verify failed");
        wall.push(Number(process.hrtime.bigint() - t0) / 1000);
      }
      const cpu = process.cpuUsage(cpu0);
      res.setHeader("content-type", "application/json");
      return res.end(JSON.stringify({ verify_us: wall, cpu_us: cpu.user + cpu.system }));
    }
    res.statusCode = 404;
    res.end();
  });
  // A clean exit on SIGTERM (so that `node --cpu-prof server.mjs` writes its profile);
  // the bench itself kills the process group.
  process.on("SIGTERM", () => process.exit(0));
  server.listen(PORT, "127.0.0.1", () => {
    const { port } = server.address();
    // baseURL must name the port the server got, so the auth instance is built here,
    // before the ready line: it is part of start → ready.
    auth = makeAuth(`${BASE_URL}:${port}`);
    handler = toNodeHandler(auth);
    process.stdout.write(JSON.stringify({ ready: true, port }) + "\n");
  });
}

const i = process.argv.indexOf("--seed-out");
if (i > 0) await seed(process.argv[i + 1]);
else await serve();
