// The Velo `login` (POST /backend/authentication/login) as a Node.js 20 developer would
// write it for Lambda: AWS SDK for JavaScript v3 with its client made once per instance
// (outside the handler; HTTP keep-alive), @node-rs/argon2, bundled by esbuild into one
// file (build.mjs). It makes the DynamoDB requests our Rust `login` makes
// (shared/src/flows/login.rs, shared/src/store/dynamo/counters.rs, members.rs), on the
// same items of the same table, and answers the same API Gateway v2 response with
// session and device tokens signed as shared/src/domain/token.rs signs them (HS256 JWS,
// same header and claims). What it leaves out is listed in bench/peers/README.md.
//
// A successful login is 6 requests in 2 round trips:
//   1. at once: UpdateItem LOCK#<sha256(email\nsource)> (the attempt, counted under the
//      lock's condition), UpdateItem ACCOUNT#<sha256(email)>#<window> (the account-wide
//      budget), BatchGetItem [IPFAIL#<source>#<window>, EMAIL#<email>] (credentials and
//      the source's failures, consistent read);
//   2. at once: DeleteItem LOCK#… (the run ended), UpdateItem ACCOUNT#… ADD -1 (a success
//      gives its place back), UpdateItem MEMBER#<id> (the last-login stamp, conditional
//      on an approved, verified member).

import { createHash, createHmac, randomUUID, randomBytes } from "node:crypto";
import { isIPv4, isIPv6 } from "node:net";
import {
  BatchGetItemCommand,
  DeleteItemCommand,
  DynamoDBClient,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { hash as argon2Hash, verify as argon2Verify } from "@node-rs/argon2";

// ---- once per instance (init): settings, keys, the client -------------------------

const TABLE = process.env.MEMBERS_TABLE;
if (!TABLE) throw new Error("MEMBERS_TABLE is not set");
const SESSION_TTL = Number(process.env.SESSION_TOKEN_TTL_SECONDS || 600);
const ARGON2 = {
  memoryCost: Number(process.env.ARGON2_MEMORY_KIB || 19456),
  timeCost: Number(process.env.ARGON2_ITERATIONS || 2),
  parallelism: Number(process.env.ARGON2_PARALLELISM || 1),
  algorithm: 2, // Argon2id
};

// SIGNING_KEYS: kid:base64url-key[,kid:base64url-key...]; the first signs.
const [SIGNING_KID, SIGNING_KEY] = (() => {
  const first = (process.env.SIGNING_KEYS || "").split(",").map((s) => s.trim()).find(Boolean);
  if (!first || !first.includes(":")) throw new Error("SIGNING_KEYS is not kid:base64url-key");
  const [kid, encoded] = first.split(/:(.*)/s);
  const key = Buffer.from(encoded.trim().replace(/=+$/, ""), "base64url");
  if (key.length < 32) throw new Error(`key ${kid} is shorter than 32 bytes`);
  return [kid.trim(), key];
})();

// The region and the endpoint (AWS_ENDPOINT_URL) come from the environment, as the SDK
// reads them; keep-alive is the SDK v3 default, stated here all the same.
const dynamo = new DynamoDBClient({
  requestHandler: { httpAgent: { keepAlive: true }, httpsAgent: { keepAlive: true } },
});

// ---- policy (shared/src/flows/throttle.rs) -------------------------------------------

const LOCK_AFTER_FAILURES = 5;
const MAX_LOCK_SECS = 900;
const IDLE_RESET_SECS = 900;
const SOURCE_WINDOW_SECS = 900;
const SOURCE_FAILURE_LIMIT = 100;
const ACCOUNT_FAILURE_BUDGET = 20;
const DEVICE_TOKEN_TTL_SECS = 365 * 24 * 3600;
const MAX_PASSWORD_LENGTH = 100;

const lockDelay = (failures) =>
  failures < LOCK_AFTER_FAILURES
    ? 0
    : Math.min(2 ** Math.min(failures - LOCK_AFTER_FAILURES, 20), MAX_LOCK_SECS);

const sha256hex = (text) => createHash("sha256").update(text).digest("hex");
const N = (v) => ({ N: String(v) });
const S = (v) => ({ S: v });
const num = (item, name) => Number(item?.[name]?.N ?? 0);

// The dot-atom email the Rust `Email::parse` accepts (shared/src/domain/email.rs).
const LOCAL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
function parseEmail(raw) {
  const email = raw.trim().toLowerCase();
  if (!email || email.length > 254) return null;
  const at = email.lastIndexOf("@");
  if (at < 0) return null;
  const local = email.slice(0, at);
  const labels = email.slice(at + 1).split(".");
  if (local.length > 64 || !LOCAL.test(local)) return null;
  if (email.length - at - 1 > 253 || labels.length < 2 || !labels.every((l) => LABEL.test(l))) return null;
  if (!/^[a-z]{2,}$/.test(labels[labels.length - 1])) return null;
  return email;
}

// An IPv6 source counts by its /64, an IPv4-mapped one as IPv4 (shared/src/http/call.rs
// `counted_source`, which prints the prefix as RFC 5952 text); one that does not parse
// counts as given.
function countedSource(ip) {
  if (!ip) return "unknown";
  if (isIPv4(ip)) return ip;
  if (!isIPv6(ip)) return ip.length <= 64 ? ip : "unknown";
  // A dotted IPv4 tail is the last two groups.
  const text = ip.replace(/(\d+)\.(\d+)\.(\d+)\.(\d+)$/, (_, a, b, c, d) =>
    `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`);
  const [head, tail = ""] = text.split("::");
  const part = (t) => (t ? t.split(":") : []);
  const groups = text.includes("::")
    ? [...part(head), ...Array(8 - part(head).length - part(tail).length).fill("0"), ...part(tail)]
    : part(head);
  const n = groups.map((g) => parseInt(g, 16));
  if (n.slice(0, 5).every((g) => g === 0) && n[5] === 0xffff) {
    return `${n[6] >> 8}.${n[6] & 255}.${n[7] >> 8}.${n[7] & 255}`;
  }
  const prefix = [...n.slice(0, 4), 0, 0, 0, 0];
  // RFC 5952: the longest run (first of equals, 2 or more) of zero groups becomes "::".
  let best = [-1, 0];
  for (let i = 0; i < 8; ) {
    if (prefix[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && prefix[j] === 0) j++;
    if (j - i > best[1] && j - i > 1) best = [i, j - i];
    i = j;
  }
  const hex = prefix.map((g) => g.toString(16));
  const shown = best[0] < 0 ? hex.join(":")
    : `${hex.slice(0, best[0]).join(":")}::${hex.slice(best[0] + best[1]).join(":")}`;
  return `${shown}/64`;
}

// ---- tokens (shared/src/domain/token.rs, device.rs) ---------------------------------

function sign(claims) {
  const header = Buffer.from(JSON.stringify({ typ: "JWT", alg: "HS256", kid: SIGNING_KID }))
    .toString("base64url");
  const body = Buffer.from(JSON.stringify(claims)).toString("base64url");
  const mac = createHmac("sha256", SIGNING_KEY).update(`${header}.${body}`).digest("base64url");
  return `${header}.${body}.${mac}`;
}

// ---- answers (shared/src/http/respond.rs) ---------------------------------------------

function json(statusCode, value, extraHeaders = {}) {
  return {
    statusCode,
    headers: {
      "content-type": "application/json",
      "cache-control": "no-store",
      vary: "origin",
      ...extraHeaders,
    },
    multiValueHeaders: {},
    isBase64Encoded: false,
    cookies: [],
    body: JSON.stringify(value),
  };
}

function apiError(statusCode, code, message, extraHeaders) {
  return json(
    statusCode,
    { details: { applicationError: { code, data: {}, description: message } }, message },
    extraHeaders,
  );
}

const wrongCredentials = () => apiError(401, "-19976", "email or password is incorrect");
const tooMany = (secs) =>
  apiError(429, "TOO_MANY_REQUESTS", `too many attempts; try again in ${secs} seconds`);

function log(event, memberId, source) {
  // One structured line per security event, as ours logs (no email, no password).
  console.log(JSON.stringify({ level: "INFO", message: "security event", security_event: event,
    member_id: memberId ?? null, source }));
}

// ---- the store's requests ---------------------------------------------------------

const isConditionFailure = (err) => err?.name === "ConditionalCheckFailedException";

// A login counter changed if it still exists (counters.rs `change_counter`).
async function changeCounter(pk, { taken = 0, forgetLock = false, lock = null }) {
  const parts = [];
  const values = {};
  if (taken > 0) {
    parts.push("ADD failures :taken");
    values[":taken"] = { N: `-${taken}` };
  }
  if (lock) {
    parts.push("SET lockedUntil = :until, lockedFor = :for");
    values[":until"] = N(lock.until);
    values[":for"] = N(lock.number);
  } else if (forgetLock) {
    parts.push("REMOVE lockedFor");
  }
  if (!parts.length) return;
  try {
    await dynamo.send(new UpdateItemCommand({
      TableName: TABLE,
      Key: { pk: S(pk) },
      UpdateExpression: parts.join(" "),
      ConditionExpression: "attribute_exists(failures)",
      ExpressionAttributeValues: Object.keys(values).length ? values : undefined,
    }));
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
  }
}

// counters.rs `count_attempt`: the attempt is added if the lock admits it.
async function countAttempt(lockPk, now) {
  const idleBefore = Math.max(0, now - IDLE_RESET_SECS);
  try {
    const out = await dynamo.send(new UpdateItemCommand({
      TableName: TABLE,
      Key: { pk: S(lockPk) },
      UpdateExpression: "ADD failures :one SET lastFailure = :now, expiresAt = :exp",
      ConditionExpression: "attribute_not_exists(failures) OR failures < :lockAfter OR " +
        "lastFailure < :idleBefore OR (lockedUntil <= :now AND lockedFor = failures)",
      ExpressionAttributeValues: {
        ":one": N(1), ":now": N(now), ":exp": N(now + IDLE_RESET_SECS + MAX_LOCK_SECS),
        ":lockAfter": N(LOCK_AFTER_FAILURES), ":idleBefore": N(idleBefore),
      },
      ReturnValues: "ALL_OLD",
      ReturnValuesOnConditionCheckFailure: "ALL_OLD",
    }));
    const failures = num(out.Attributes, "failures");
    const last = num(out.Attributes, "lastFailure");
    return failures === 0 || last < idleBefore
      ? { counted: true, number: 1, stale: failures }
      : { counted: true, number: failures + 1, stale: 0 };
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    return { counted: false, lockedUntil: Math.max(num(err.Item, "lockedUntil"), now + 1) };
  }
}

// counters.rs `count_account_attempt`: against the account's budget for the window.
async function countAccountAttempt(accountPk, windowEnd) {
  try {
    await dynamo.send(new UpdateItemCommand({
      TableName: TABLE,
      Key: { pk: S(accountPk) },
      UpdateExpression: "ADD failures :one SET expiresAt = :exp",
      ConditionExpression: "attribute_not_exists(failures) OR failures < :budget",
      ExpressionAttributeValues: {
        ":one": N(1), ":exp": N(windowEnd), ":budget": N(ACCOUNT_FAILURE_BUDGET),
      },
    }));
    return "counted";
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    return "spent";
  }
}

// counters.rs `credentials_and_source`: one consistent batch read.
async function credentialsAndSource(email, sourcePk) {
  const keys = [{ pk: S(sourcePk) }];
  if (email) keys.push({ pk: S(`EMAIL#${email}`) });
  const out = await dynamo.send(new BatchGetItemCommand({
    RequestItems: { [TABLE]: { Keys: keys, ConsistentRead: true } },
  }));
  if (out.UnprocessedKeys && Object.keys(out.UnprocessedKeys).length) {
    throw new Error("batch read throttled");
  }
  const items = out.Responses?.[TABLE] ?? [];
  const find = (pk) => items.find((i) => i.pk?.S === pk);
  const claim = email ? find(`EMAIL#${email}`) : undefined;
  return {
    credentials: claim ? { memberId: claim.memberId.S, passwordHash: claim.passwordHash.S } : null,
    sourceFailures: num(find(sourcePk), "failures"),
  };
}

// members.rs `record_login`: the stamp, only for an approved member whose email is verified.
async function recordLogin(memberId, timestamp) {
  try {
    const out = await dynamo.send(new UpdateItemCommand({
      TableName: TABLE,
      Key: { pk: S(`MEMBER#${memberId}`) },
      UpdateExpression: "SET lastLoginDate = :now, lastLoginKey = :login_key",
      ConditionExpression: "attribute_exists(pk) AND #status = :approved AND " +
        "(attribute_not_exists(emailVerified) OR emailVerified = :yes)",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: {
        ":now": S(timestamp), ":login_key": S(`${timestamp}\u0001${memberId}`),
        ":approved": S("APPROVED"), ":yes": { BOOL: true },
      },
      ReturnValues: "ALL_NEW",
      ReturnValuesOnConditionCheckFailure: "ALL_OLD",
    }));
    return { member: out.Attributes };
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    return { refused: err.Item ?? null };
  }
}

// ---- argon2 (shared/src/domain/password.rs) -----------------------------------------

// An unknown email is checked against a dummy hash of the same cost, made on first use.
let dummyHash;
const getDummyHash = async () =>
  (dummyHash ??= await argon2Hash(randomBytes(32).toString("base64url"), ARGON2));

async function passwordMatches(password, stored) {
  try {
    return (await argon2Verify(stored ?? (await getDummyHash()), password)) && stored != null;
  } catch {
    return false;
  }
}

// ---- the handler ------------------------------------------------------------------------

export const handler = async (event) => {
  let body;
  try {
    body = JSON.parse(event.isBase64Encoded ? Buffer.from(event.body, "base64").toString() : event.body);
  } catch (err) {
    return apiError(400, "INVALID_JSON", `request body is not valid JSON: ${err.message}`);
  }
  if (typeof body?.email !== "string" || typeof body?.password !== "string") {
    return apiError(400, "INVALID_JSON", "request body is not valid JSON: email and password are required");
  }
  const rawEmail = body.email;
  if (Buffer.byteLength(body.password) > MAX_PASSWORD_LENGTH) return wrongCredentials();
  const email = parseEmail(rawEmail);
  const source = countedSource(event.requestContext?.http?.sourceIp);
  const account = rawEmail.trim().toLowerCase();

  const now = Math.floor(Date.now() / 1000);
  const window = Math.floor(now / SOURCE_WINDOW_SECS);
  const windowEnd = (window + 1) * SOURCE_WINDOW_SECS;
  const lockPk = `LOCK#${sha256hex(`${account}\n${source}`)}`;
  const accountPk = `ACCOUNT#${sha256hex(account)}#${window}`;
  const sourcePk = `IPFAIL#${source}#${window}`;

  // Round trip 1: the attempt counted, per source and account-wide, while the
  // credentials are read.
  const [attempt, budget, read] = await Promise.all([
    countAttempt(lockPk, now),
    countAccountAttempt(accountPk, windowEnd),
    credentialsAndSource(email, sourcePk),
  ]);
  const memberId = read.credentials?.memberId;
  const giveBack = () =>
    budget === "counted" ? changeCounter(accountPk, { taken: 1 }) : Promise.resolve();
  const refused = async (stale, answer) => {
    await Promise.all([
      stale == null ? null : changeCounter(lockPk, { taken: stale + 1, forgetLock: stale > 0 }),
      giveBack(),
    ]);
    return answer;
  };
  if (!attempt.counted) {
    log("login_locked", memberId, source);
    return refused(null, tooMany(attempt.lockedUntil - now));
  }
  if (budget === "spent") {
    log("login_budget_spent", memberId, source);
    return refused(attempt.stale, tooMany(windowEnd - now));
  }
  if (read.sourceFailures >= SOURCE_FAILURE_LIMIT) {
    log("login_source_limited", memberId, source);
    return refused(attempt.stale, tooMany(windowEnd - now));
  }

  const matched = await passwordMatches(body.password, read.credentials?.passwordHash);
  if (!matched || !memberId) {
    const delay = lockDelay(attempt.number);
    await Promise.all([
      dynamo.send(new UpdateItemCommand({
        TableName: TABLE,
        Key: { pk: S(sourcePk) },
        UpdateExpression: "ADD failures :one SET expiresAt = :exp",
        ExpressionAttributeValues: { ":one": N(1), ":exp": N(windowEnd) },
      })),
      changeCounter(lockPk, {
        taken: attempt.stale,
        forgetLock: attempt.stale > 0,
        lock: delay > 0 ? { until: now + delay, number: attempt.number } : null,
      }),
    ]);
    log("login_failed", memberId, source);
    return wrongCredentials();
  }

  // Round trip 2: the run ends, the budget place comes back, the login is stamped.
  const timestamp = new Date().toISOString();
  const [, , stamped] = await Promise.all([
    dynamo.send(new DeleteItemCommand({ TableName: TABLE, Key: { pk: S(lockPk) } })),
    giveBack(),
    recordLogin(memberId, timestamp),
  ]);
  if (!stamped.member) {
    const status = stamped.refused?.status?.S;
    if (status === "APPROVED" && stamped.refused?.emailVerified?.BOOL === false) {
      return apiError(403, "EMAIL_NOT_VERIFIED", "this member has not verified its email yet");
    }
    if (status === "PENDING") {
      return apiError(403, "MEMBER_PENDING", "this member is waiting for the site owner's approval");
    }
    if (status === "BLOCKED") return apiError(403, "MEMBER_BLOCKED", "this member is blocked");
    if (status === "OFFLINE") return wrongCredentials();
    throw new Error("email claim without member");
  }
  log("login_succeeded", memberId, source);
  const sessionToken = "JWS." + sign({
    sub: memberId,
    ver: num(stamped.member, "tokenVersion"),
    sid: randomUUID(),
    iat: now,
    exp: now + SESSION_TTL,
    typ: "session",
  });
  const deviceToken = "DEV." + sign({
    sub: sha256hex(account),
    iat: now,
    exp: now + DEVICE_TOKEN_TTL_SECS,
    typ: "device",
  });
  // serde_json's maps are sorted: deviceToken first, as ours answers.
  return json(200, { deviceToken, sessionToken });
};
