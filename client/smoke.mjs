#!/usr/bin/env node
// Post-deploy smoke check: the client journey of the Node client tests, through Wix's
// own client (@wix/sdk OAuthStrategy, @wix/members), against a deployed API or `make dev`:
//   visitor tokens → register → verify with the emailed code → login → direct login →
//   current member → refresh → logout → delete the member it registered.
//
//   make smoke BASE=https://abc123.execute-api.us-east-1.amazonaws.com   (or: node smoke.mjs BASE)
//
// BASE is the API as browsers reach it (public_base_url); the client's
// https://*.wixapis.com calls go there (lib/backend.mjs), nothing else is fetched.
// A new member is registered only when its emailed code can be read:
//   SMOKE_INBOX       an SES stand-in's inbox (aws-ses-v2-local: `make smoke-dev` sets it)
//   SMOKE_CODE_CMD    a shell command that prints the code mailed to $SMOKE_TO, e.g. from
//                     a test mailbox; retried for up to SMOKE_CODE_TIMEOUT_S (120) seconds
//   SMOKE_REGISTER_EMAIL  the address to register, `{random}` replaced (default
//                     smoke-{random}@example.com; in the SES sandbox, a verified recipient's)
// Otherwise the journey starts at login with an existing member:
//   SMOKE_EMAIL, SMOKE_PASSWORD   (it is left as it was: only its new session ends)
// The OAuth client (one of oauth_clients): SMOKE_CLIENT_ID (local-client), SMOKE_ORIGIN
// (one of its origins; default DEV_SITE_ORIGIN or http://127.0.0.1:5173),
// SMOKE_POST_LOGOUT_URL (one of its post-logout URLs; default <origin>/signed-out) and
// SMOKE_REDIRECT_URI (one of its redirect URIs, default <origin>/callback: used only when
// the cleanup's direct login fails).
// Each step prints ✓ and its time; the first failure prints ✗ and why, cleans up, and
// exits 1 (2: bad usage). CLIENT_TRACE=1 shows every request and answer.

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';

const env = process.env;
const base = (process.argv[2] || env.BASE || env.BASE_URL || '').replace(/\/+$/, '');
if (!/^https?:\/\/[^/]+$/.test(base)) {
  console.error(
    'usage: node smoke.mjs <BASE>   (or make smoke BASE=<API URL>)\n' +
      '  BASE: the deployed API, e.g. https://abc123.execute-api.us-east-1.amazonaws.com (no path)\n' +
      '  a new member needs SMOKE_INBOX or SMOKE_CODE_CMD to read its code; else SMOKE_EMAIL and SMOKE_PASSWORD',
  );
  process.exit(2);
}
const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(base).hostname);
if (!loopback && !env.SMOKE_CLIENT_ID) {
  console.error('smoke: name the OAuth client of the deployment: SMOKE_CLIENT_ID (and SMOKE_ORIGIN, one of its origins)');
  process.exit(2);
}
// lib/backend.mjs reads BASE_URL when it is first imported.
env.BASE_URL = base;
if (env.SMOKE_INBOX) env.SES_INBOX_URL = env.SMOKE_INBOX;
const { exchanges } = await import('./lib/backend.mjs');
const { verificationCode, follow, randomPassword } = await import('./lib/helpers.mjs');
const { createClient, OAuthStrategy } = await import('@wix/sdk');
const { members } = await import('@wix/members');
const { JSDOM } = await import('jsdom');

const CLIENT_ID = env.SMOKE_CLIENT_ID || 'local-client';
const ORIGIN = new URL(env.SMOKE_ORIGIN || env.DEV_SITE_ORIGIN || 'http://127.0.0.1:5173').origin;
const POST_LOGOUT_URL = env.SMOKE_POST_LOGOUT_URL || `${ORIGIN}/signed-out`;
const REDIRECT_URI = env.SMOKE_REDIRECT_URI || `${ORIGIN}/callback`;
const STEP_TIMEOUT_MS = Number(env.SMOKE_STEP_TIMEOUT_S || 120) * 1000;

const MANUAL_APPROVAL =
  'the new member waits for the owner (approval_mode = "manual"): use SMOKE_EMAIL and SMOKE_PASSWORD there';

const newClient = (tokens) =>
  createClient({ modules: { members }, auth: OAuthStrategy({ clientId: CLIENT_ID, ...(tokens && { tokens }) }) });

class Failure extends Error {}
const check = (ok, message) => {
  if (!ok) throw new Failure(message);
};
const within = (promise, ms, what) =>
  Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Failure(what)), ms).unref())]);
const rejects = async (promise) => promise.then(() => false, () => true);
/** A login state answer in a line: its state, error code and message. */
const stated = (answer) => {
  if (answer?.loginState !== 'FAILURE') return JSON.stringify(answer);
  let message = answer.error;
  try {
    message = JSON.parse(answer.error).message;
  } catch {}
  return `FAILURE ${answer.errorCode}: ${message}`;
};
const sameEmail = (a, b) => String(a).toLowerCase() === String(b).toLowerCase();

/** Runs one step: ✓ name (time) and its result, or ✗ name: why (and throws to stop the journey). */
async function step(name, run) {
  const started = performance.now();
  const firstExchange = exchanges.length;
  try {
    const result = await within(run(), STEP_TIMEOUT_MS, `no answer in ${STEP_TIMEOUT_MS / 1000} s`);
    const detail = typeof result?.detail === 'string' ? `  ${result.detail}` : '';
    console.log(`  ✓ ${name.padEnd(24)} ${String(Math.round(performance.now() - started)).padStart(6)} ms${detail}`);
    return result;
  } catch (error) {
    const why = describe(error);
    console.log(`  ✗ ${name}: ${why}`);
    const sent = exchanges.slice(firstExchange).slice(-4).map(
      (e) => `      ${e.method} ${new URL(e.target).pathname} → ${e.status ?? 'no answer'} ${(e.responseBody ?? '').slice(0, 160)}`,
    );
    if (sent.length) console.log(`    the step's last requests (CLIENT_TRACE=1 shows all):\n${sent.join('\n')}`);
    throw new StepFailed(name);
  }
}
class StepFailed extends Error {}

/** What went wrong, in a line: the message, its cause, the Wix error's details. */
function describe(error) {
  if (error instanceof Failure) return error.message;
  if (env.CLIENT_TRACE && error?.stack) return error.stack;
  const parts = [error?.message || String(error)];
  if (error?.cause?.message) parts.push(`(${error.cause.message})`);
  if (error?.details) parts.push(JSON.stringify(error.details));
  return parts.join(' ');
}

/**
 * `auth.getMemberTokensForDirectLogin` in a page on the client's origin (jsdom; it loads
 * the authorize page from BASE in a hidden iframe and runs its script, as
 * client/test/direct-login.test.mjs does).
 */
async function directLogin(sessionToken) {
  const dom = new JSDOM('<!doctype html><html><body></body></html>', {
    url: `${ORIGIN}/`,
    runScripts: 'dangerously',
    resources: 'usable',
  });
  Object.assign(globalThis, { window: dom.window, document: dom.window.document });
  try {
    return await within(
      newClient().auth.getMemberTokensForDirectLogin(sessionToken),
      60_000,
      `no {code, state} message from the authorize page in 60 s (is ${ORIGIN} an origin of ${CLIENT_ID}?)`,
    );
  } finally {
    delete globalThis.window;
    delete globalThis.document;
    dom.window.close();
  }
}

/**
 * Member tokens for a session token the other way, for the cleanup when direct login
 * fails: `getAuthUrl` (prompt none, responseMode query) followed as a browser would, the
 * code from the redirect exchanged by `getMemberTokens`.
 */
async function codeFlowLogin(sessionToken) {
  const client = newClient();
  const oauthData = client.auth.generateOAuthData(REDIRECT_URI);
  const { authUrl } = await client.auth.getAuthUrl(oauthData, { sessionToken, prompt: 'none', responseMode: 'query' });
  const { status, location } = await follow(authUrl);
  check(status === 302 && location?.startsWith(`${REDIRECT_URI}?`), `authorize: ${status} to ${location}`);
  const { code, state, error } = client.auth.parseFromUrl(location, 'query');
  check(code && !error, `authorize redirect without a code: ${location}`);
  return client.auth.getMemberTokens(code, state, oauthData);
}

/** The code mailed to `email`: from the SES stand-in's inbox, or SMOKE_CODE_CMD. */
async function emailedCode(email) {
  if (env.SMOKE_INBOX) return verificationCode(email, { timeoutMs: 60_000 });
  const deadline = Date.now() + Number(env.SMOKE_CODE_TIMEOUT_S || 120) * 1000;
  for (;;) {
    const { stdout } = await promisify(execFile)('/bin/sh', ['-c', env.SMOKE_CODE_CMD], {
      env: { ...env, SMOKE_TO: email },
      timeout: 60_000,
    }).catch((error) => ({ stdout: '', error }));
    const code = stdout.match(/\b\d{6}\b/)?.[0];
    if (code) return code;
    check(Date.now() < deadline, `SMOKE_CODE_CMD printed no 6-digit code for ${email}`);
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
}

const canRegister = !env.SMOKE_EMAIL && (env.SMOKE_INBOX || env.SMOKE_CODE_CMD);
if (!env.SMOKE_EMAIL && !canRegister) {
  console.error(
    'smoke: no way to read the code a new member is mailed: set SMOKE_INBOX (an SES stand-in) or ' +
      'SMOKE_CODE_CMD (prints the code mailed to $SMOKE_TO), or use an existing member with ' +
      'SMOKE_EMAIL and SMOKE_PASSWORD',
  );
  process.exit(2);
}
if (env.SMOKE_EMAIL && !env.SMOKE_PASSWORD) {
  console.error('smoke: SMOKE_EMAIL needs SMOKE_PASSWORD');
  process.exit(2);
}

console.log(`smoke: ${base} (client ${CLIENT_ID}, origin ${ORIGIN})`);
const started = performance.now();
let email = env.SMOKE_EMAIL;
let password = env.SMOKE_PASSWORD;
// A member this run created and has not deleted yet: {email, password, verified}
// (verified: it can sign in, so it can delete itself).
let created;
let failedAt;

try {
  const visitor = newClient();
  await step('visitor tokens', async () => {
    const tokens = await visitor.auth.generateVisitorTokens();
    check(tokens.accessToken?.value && tokens.refreshToken?.role === 'visitor', `not visitor tokens: ${JSON.stringify(tokens)}`);
    visitor.auth.setTokens(tokens);
  });

  if (canRegister) {
    email = (env.SMOKE_REGISTER_EMAIL || 'smoke-{random}@example.com').replace('{random}', randomBytes(6).toString('hex'));
    password = randomPassword();
    const registered = await step('register', async () => {
      const answer = await visitor.auth.register({ email, password, profile: { nickname: 'smoke' } });
      if (['EMAIL_VERIFICATION_REQUIRED', 'SUCCESS', 'OWNER_APPROVAL_REQUIRED'].includes(answer.loginState)) {
        created = { email, password, verified: answer.loginState === 'SUCCESS' };
      }
      check(answer.loginState !== 'OWNER_APPROVAL_REQUIRED', MANUAL_APPROVAL);
      check(created, `register answered ${stated(answer)}`);
      return { ...answer, detail: email };
    });
    if (registered.loginState === 'EMAIL_VERIFICATION_REQUIRED') {
      await step('verify (emailed code)', async () => {
        const code = await emailedCode(email);
        const verified = await visitor.auth.processVerification({ verificationCode: code }, registered);
        check(verified.loginState !== 'OWNER_APPROVAL_REQUIRED', MANUAL_APPROVAL);
        check(verified.loginState === 'SUCCESS', `processVerification answered ${stated(verified)}`);
        created.verified = true;
      });
    }
  }

  const sessionToken = await step('login', async () => {
    const answer = await visitor.auth.login({ email, password });
    check(answer.loginState === 'SUCCESS', `login of ${email} answered ${stated(answer)}`);
    check(/^JWS\./.test(answer.data?.sessionToken), `no session token: ${JSON.stringify(answer)}`);
    return answer.data.sessionToken;
  });

  let tokens = await step('direct login', async () => {
    const member = await directLogin(sessionToken);
    check(member.refreshToken?.role === 'member', `not member tokens: ${JSON.stringify(member)}`);
    check(member.accessToken.expiresAt > Date.now() / 1000, 'the access token has expired already');
    return member;
  });

  await step('current member', async () => {
    const { member } = await newClient(tokens).members.getCurrentMember();
    check(sameEmail(member?.loginEmail, email), `getCurrentMember answered ${JSON.stringify(member)}`);
    return { detail: member._id };
  });

  tokens = await step('refresh', async () => {
    const renewed = await newClient().auth.renewToken(tokens.refreshToken);
    check(renewed.accessToken?.value, `renewToken answered ${JSON.stringify(renewed)}`);
    const { member } = await newClient(renewed).members.getCurrentMember();
    check(sameEmail(member?.loginEmail, email), 'the renewed access token is not the member');
    return renewed;
  });

  await step('logout', async () => {
    const client = newClient(tokens);
    const { logoutUrl } = await client.auth.logout(POST_LOGOUT_URL);
    const { status, location } = await follow(logoutUrl);
    check(status === 302 && location?.startsWith(POST_LOGOUT_URL), `GET ${logoutUrl}: ${status} to ${location}`);
    check(await rejects(newClient().auth.renewToken(tokens.refreshToken)), 'the refresh token still works after logout');
    check(await rejects(newClient(tokens).members.getCurrentMember()), 'the access token still works after logout');
  });
} catch (error) {
  if (!(error instanceof StepFailed)) throw error;
  failedAt = error.message;
} finally {
  delete globalThis.window;
  delete globalThis.document;
}

// Cleanup: the member this run registered deletes itself (DELETE /members/v1/members/my,
// which erases it and everything naming it), signed in anew since logout ended the session.
if (created?.verified) {
  try {
    await step('delete the member', async () => {
      const login = await newClient().auth.login({ email: created.email, password: created.password });
      check(login.loginState === 'SUCCESS', `login to delete it answered ${stated(login)}`);
      const mine = await directLogin(login.data.sessionToken).catch((error) => {
        console.log(`    (direct login failed: ${describe(error)}; trying the code flow to ${REDIRECT_URI})`);
        return codeFlowLogin(login.data.sessionToken);
      });
      await newClient(mine).members.deleteMyMember();
      const after = await newClient().auth.login({ email: created.email, password: created.password });
      check(after.loginState !== 'SUCCESS', 'the deleted member still logs in');
      created = undefined;
      return { detail: email };
    });
  } catch (error) {
    if (!(error instanceof StepFailed)) throw error;
    failedAt ??= error.message;
  }
}
if (created) {
  console.log(
    `  ! left behind: the member ${created.email}, which this run could not sign in to delete; ` +
      "the owner's deleteMember (site API key) removes it",
  );
}

const seconds = ((performance.now() - started) / 1000).toFixed(1);
if (failedAt) {
  console.log(`smoke: FAILED at "${failedAt}" after ${seconds} s`);
  process.exit(1);
}
console.log(`smoke: OK, every step passed in ${seconds} s`);
// jsdom's loaders may keep the event loop alive for a moment.
process.exit(0);
