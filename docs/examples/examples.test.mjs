// Runs the examples of this directory against `make dev` (BASE_URL) and checks what they
// do. `make dev` does not verify SigV4 (API Gateway does, in AWS), so the SigV4 examples
// go through scripts/sigv4_verifier.py: it recomputes each signature with botocore from
// the test credentials, refuses a mismatch with 403, and forwards a good request with
// the admin key. Node's built-ins only; the .mjs examples run from a copy beside
// client/node_modules (where their pinned packages are). Run by `make smoke-dev` and
// `make examples-test`.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BASE = (process.env.BASE_URL || `http://127.0.0.1:${process.env.DEV_PORT || '9000'}`).replace(/\/+$/, '');
const PYTHON = process.env.SIGV4_PYTHON || join(ROOT, '.tools/venv/bin/python');
const REGION = 'eu-west-3';
// Test credentials: a long-term key, and temporary ones (with a session token).
const LONG_TERM = { AWS_ACCESS_KEY_ID: 'AKIAEXAMPLESIGV4TEST', AWS_SECRET_ACCESS_KEY: randomBytes(30).toString('base64') };
const TEMPORARY = {
  AWS_ACCESS_KEY_ID: 'ASIAEXAMPLESIGV4TEST',
  AWS_SECRET_ACCESS_KEY: randomBytes(30).toString('base64'),
  AWS_SESSION_TOKEN: randomBytes(48).toString('base64'),
};

/** A setting of make dev's keys (.tools/dev-keys.env: ADMIN_KEY, API_KEYS). */
const devKey = (name) =>
  readFileSync(join(ROOT, '.tools/dev-keys.env'), 'utf8')
    .split('\n')
    .find((line) => line.startsWith(`${name}=`))
    ?.slice(name.length + 1)
    .trim();

// The children get these and no ambient AWS settings (the Makefile exports local ones).
const cleanEnv = () =>
  Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_') && name !== 'API'));

/** Runs a command: {code, stdout, stderr}, never throwing on a failed exit. */
const run = (file, args, env, cwd = HERE) =>
  new Promise((resolve) => {
    execFile(file, args, { cwd, env: { ...cleanEnv(), ...env }, timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr }),
    );
  });
const show = (r) => `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

/** Starts the verifier for `credentials`: its base URL; stopped after the tests. */
const verifiers = [];
async function startVerifier(credentials) {
  const child = spawn(PYTHON, [join(ROOT, 'scripts/sigv4_verifier.py'), '0'], {
    env: {
      ...cleanEnv(),
      SIGV4_ACCESS_KEY_ID: credentials.AWS_ACCESS_KEY_ID,
      SIGV4_SECRET_ACCESS_KEY: credentials.AWS_SECRET_ACCESS_KEY,
      SIGV4_SESSION_TOKEN: credentials.AWS_SESSION_TOKEN ?? '',
      SIGV4_REGION: REGION,
      UPSTREAM: BASE,
      ADMIN_KEY: devKey('ADMIN_KEY'),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  verifiers.push(child);
  const [line] = await Promise.race([
    (async () => {
      for await (const l of createInterface({ input: child.stdout })) return [l];
      return [''];
    })(),
    new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`sigv4_verifier.py exited ${code}`)))),
  ]);
  const port = line.match(/^listening on (\d+)$/)?.[1];
  assert.ok(port, `sigv4_verifier.py said: ${line}`);
  return `http://127.0.0.1:${port}`;
}

let work; // the copies of the .mjs examples, beside client/node_modules
let signedApi; // the verifier for the long-term key
let temporaryApi; // the verifier for the temporary credentials
const member = { email: `examples-${randomBytes(6).toString('hex')}@example.com`, password: `Pw-${randomBytes(9).toString('base64url')}` };

const node = (script, args, env) => run(process.execPath, [join(work, script), ...args], env, work);
const shell = (args, env) => run('bash', [join(HERE, 'sigv4.sh'), ...args], env);
const asJson = (r) => {
  assert.equal(r.code, 0, show(r));
  return JSON.parse(r.stdout);
};
const veloLogin = async () =>
  fetch(`${BASE}/backend/authentication/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(member),
  });

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'members-examples-'));
  symlinkSync(join(ROOT, 'client/node_modules'), join(work, 'node_modules'), 'dir');
  for (const file of ['sigv4.mjs', 'api-key.mjs']) copyFileSync(join(HERE, file), join(work, file));
  [signedApi, temporaryApi] = await Promise.all([startVerifier(LONG_TERM), startVerifier(TEMPORARY)]);
  // A member (Velo register: ACTIVE at once under automatic approval).
  const registered = await fetch(`${BASE}/backend/authentication/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(member),
    signal: AbortSignal.timeout(300_000),
  });
  const answer = await registered.json();
  assert.equal(registered.status, 200, JSON.stringify(answer));
  assert.equal(answer.status, 'ACTIVE', JSON.stringify(answer));
});

after(() => {
  for (const child of verifiers) child.kill();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('api-key.mjs: ApiKeyStrategy finds the member with the site API key', async () => {
  const apiKey = devKey('API_KEYS').split(',')[0].replace(/^[^:]*:/, '');
  const found = asJson(await node('api-key.mjs', [member.email], { API: BASE, SITE_API_KEY: apiKey }));
  assert.equal(found.status, 'APPROVED');
  assert.match(found.id, /^[0-9a-f-]{36}$/);

  const refused = await node('api-key.mjs', [member.email], { API: BASE, SITE_API_KEY: `${apiKey.slice(0, -1)}x` });
  assert.notEqual(refused.code, 0, `a wrong key is refused: ${show(refused)}`);
});

test('sigv4.mjs (@smithy/signature-v4): generate-session-token, long-term and temporary credentials', async () => {
  const body = JSON.stringify({ email: member.email });
  for (const [api, credentials] of [[signedApi, LONG_TERM], [temporaryApi, TEMPORARY]]) {
    const answer = asJson(await node('sigv4.mjs', ['generate-session-token', body], { API: api, AWS_REGION: REGION, ...credentials }));
    assert.match(answer.sessionToken, /^JWS\./, JSON.stringify(answer));
  }
});

test('sigv4.sh (curl --aws-sigv4): approve-by-email, long-term and temporary credentials', async () => {
  const body = JSON.stringify({ email: member.email });
  for (const [api, credentials] of [[signedApi, LONG_TERM], [temporaryApi, TEMPORARY]]) {
    const answer = asJson(await shell(['approve-by-email', body], { API: api, AWS_REGION: REGION, ...credentials }));
    assert.match(answer.sessionToken, /^JWS\./, JSON.stringify(answer));
  }
});

test('a wrong signature is refused with 403 and reaches no function', async () => {
  const block = JSON.stringify({ email: member.email });
  const mismatch = /signature we calculated does not match/;
  const wrongSecret = { ...LONG_TERM, AWS_SECRET_ACCESS_KEY: `${LONG_TERM.AWS_SECRET_ACCESS_KEY}x` };
  const env = { API: signedApi, AWS_REGION: REGION };

  let r = await node('sigv4.mjs', ['block-by-email', block], { ...env, ...wrongSecret });
  assert.notEqual(r.code, 0, show(r));
  assert.match(r.stderr, /block-by-email: 403/, show(r));
  assert.match(r.stderr, mismatch, show(r));
  r = await shell(['block-by-email', block], { ...env, ...wrongSecret });
  assert.equal(r.code, 22, show(r)); // curl --fail-with-body on a 4xx
  assert.match(r.stdout, mismatch, show(r));

  // Another region in the signature; temporary credentials without their session token.
  r = await shell(['block-by-email', block], { ...env, ...LONG_TERM, AWS_REGION: 'us-east-1' });
  assert.match(r.stdout, /scoped to eu-west-3/, show(r));
  r = await node('sigv4.mjs', ['block-by-email', block], { ...env, API: temporaryApi, ...TEMPORARY, AWS_SESSION_TOKEN: '' });
  assert.match(r.stderr, /x-amz-security-token must be sent and signed/, show(r));

  // Signed, then changed: the body; the path.
  writeFileSync(
    join(work, 'tamper.mjs'),
    `import { signedRequest } from './sigv4.mjs';
const api = process.env.API + '/backend/authentication/';
const body = await signedRequest('POST', api + 'block-by-email', { email: 'nobody@example.com' });
const path = await signedRequest('POST', api + 'generate-session-token', ${block});
for (const { url, ...init } of [{ ...body, body: ${JSON.stringify(block)} }, { ...path, url: api + 'block-by-email' }]) {
  const response = await fetch(url, init);
  console.log(response.status, (await response.text()).split('\\n')[0]);
}`,
  );
  r = await node('tamper.mjs', [], { ...env, ...LONG_TERM });
  assert.equal(r.code, 0, show(r));
  const [changedBody, changedPath] = r.stdout.trim().split('\n');
  // The Node signer signs the body's hash as x-amz-content-sha256, which no longer fits.
  assert.match(changedBody, /^403 .*x-amz-content-sha256 is not the body's hash/, show(r));
  assert.match(changedPath, new RegExp(`^403 .*${mismatch.source}`), show(r));

  // Unsigned.
  const unsigned = await fetch(`${signedApi}/backend/authentication/block-by-email`, { method: 'POST', body: block });
  assert.equal(unsigned.status, 403);
  assert.match(await unsigned.text(), /Missing Authentication Token/);

  // None of them blocked the member.
  const login = await veloLogin();
  assert.equal(login.status, 200, await login.text());
});

test('a signed block-by-email (curl) blocks the member', async () => {
  const r = await shell(['block-by-email', JSON.stringify({ email: member.email })], {
    API: signedApi,
    AWS_REGION: REGION,
    ...LONG_TERM,
  });
  assert.equal(r.code, 0, show(r));
  const login = await veloLogin();
  assert.equal(login.status, 403);
  assert.match(await login.text(), /MEMBER_BLOCKED/);
});
