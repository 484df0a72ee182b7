// Small helpers for the contract tests. Everything that touches the backend goes
// through Wix's own client; the only other calls are to the SES store (to read the
// emailed code or link) and to the URLs the backend hands out (what a browser would do).

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createClient, OAuthStrategy } from '@wix/sdk';
import { authentication, recovery, verification } from '@wix/identity';
import { members } from '@wix/members';
import { BASE_URL, realFetch } from './backend.mjs';

export { BASE_URL };
export const CLIENT_ID = 'local-client';
// The local OAuth client `make dev` registers (scripts/dev-env.sh).
export const SITE = new URL(process.env.DEV_SITE_ORIGIN || 'http://127.0.0.1:5173').origin;
export const REDIRECT_URI = `${SITE}/callback`;
export const POST_LOGOUT_URL = `${SITE}/signed-out`;
export const INBOX = (process.env.SES_INBOX_URL || 'http://127.0.0.1:8005').replace(/\/+$/, '');
export const ACCESS_TOKEN_SECONDS = 14_400;

// `make dev`'s environment (scripts/dev-env.sh writes it), for its keys.
const DEV_ENV = new URL('../../.tools/dev.env', import.meta.url);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => Math.floor(Date.now() / 1000);

/**
 * A Wix client as a headless site makes one: OAuthStrategy for local-client, with
 * @wix/members and the @wix/identity modules a site may call directly
 * (`authentication`, `recovery`, `verification`).
 */
export function newClient(tokens) {
  return createClient({
    modules: { members, authentication, recovery, verification },
    auth: OAuthStrategy({ clientId: CLIENT_ID, ...(tokens && { tokens }) }),
  });
}

/** A client holding visitor tokens, as a site's page has one before anyone signs in. */
export async function visitorClient() {
  const client = newClient();
  client.auth.setTokens(await client.auth.generateVisitorTokens());
  return client;
}

// The helpers' own client: one visitor for all their logins and code flows, so that
// setting a test up costs few token requests (the backend limits them per source).
let helperClient;
const helper = () => (helperClient ??= newClient());

/** A setting of `make dev`'s environment (.tools/dev.env), as scripts/dev_smoke.py reads ADMIN_KEY. */
export function devSetting(name) {
  const line = readFileSync(DEV_ENV, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}=`));
  assert.ok(line, `no ${name}= in ${DEV_ENV.pathname} (make dev writes it)`);
  return line.slice(name.length + 1).trim();
}

/** The site API key of `make dev` (`API_KEYS=local:<key>`), for external login and ApiKeyStrategy. */
export const siteApiKey = () => devSetting('API_KEYS').split(',')[0].replace(/^[^:]*:/, '');

/** A key `make dev` does not accept: the site API key with its last character changed. */
export const wrongApiKey = () => siteApiKey().replace(/.$/, (c) => (c === 'x' ? 'y' : 'x'));

/**
 * Setup, not under test: blocks the member of `email` with the Velo privileged route
 * (`POST /backend/authentication/block-by-email`, the admin key as a bearer token).
 */
export async function blockByEmail(email) {
  const response = await realFetch(`${BASE_URL}/backend/authentication/block-by-email`, {
    method: 'POST',
    headers: { authorization: `Bearer ${devSetting('ADMIN_KEY')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ email }),
    signal: AbortSignal.timeout(300_000),
  });
  assert.equal(response.status, 200, `block-by-email ${email}: ${await response.text()}`);
}

export const randomEmail = (prefix = 'client') => `${prefix}-${randomBytes(6).toString('hex')}@example.com`;
export const randomPassword = () => `Pw-${randomBytes(9).toString('base64url')}`;

/** Every email the SES store holds for `address`, oldest first. */
export async function emailsTo(address) {
  const response = await realFetch(`${INBOX}/store`, { signal: AbortSignal.timeout(10_000) });
  assert.equal(response.status, 200, `SES store ${INBOX}/store`);
  const wanted = address.toLowerCase();
  const { emails } = await response.json();
  return emails.filter((e) => (e.destination?.to ?? []).some((to) => to.toLowerCase() === wanted));
}

/**
 * The latest email to `address` that `matching` accepts, of those beyond the first `after`
 * (polls up to timeoutMs). Emails arrive a moment after the answer that
 * queued them: the mailer sends them from the table's stream.
 */
export async function latestEmailTo(address, { after = 0, timeoutMs = 20_000, matching = () => true } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const fresh = (await emailsTo(address)).slice(after).filter(matching);
    if (fresh.length > 0) return fresh.at(-1);
    if (Date.now() > deadline) assert.fail(`no email (beyond ${after}) to ${address} in ${INBOX}/store`);
    await sleep(200);
  }
}

/** The 6-digit code of the latest verification email to `address`. */
const CODE = /verification code(?: is|:)\s*(\d{6})\b/;
const RECOVERY_LINK = /https?:\/\/\S+\/recovery\/reset-password\?token=[\w-]+/;

export async function verificationCode(address, options) {
  const matching = (e) => CODE.test(`${e.subject}\n${e.body?.text ?? ''}`);
  const email = await latestEmailTo(address, { matching, ...options });
  const code = `${email.subject}\n${email.body?.text ?? ''}`.match(CODE)?.[1];
  assert.ok(code, `no 6-digit code in the email to ${address}: ${email.subject}`);
  return code;
}

/** The token of the latest recovery link (`.../recovery/reset-password?token=...`) mailed to `address`. */
export async function recoveryToken(address, options) {
  const matching = (e) => RECOVERY_LINK.test(e.body?.text ?? '');
  const email = await latestEmailTo(address, { matching, ...options });
  const link = email.body?.text?.match(RECOVERY_LINK)?.[0];
  assert.ok(link, `no recovery link in the email to ${address}: ${email.body?.text}`);
  return new URL(link).searchParams.get('token');
}

/**
 * Registers a member through the client, under the default config (email verification
 * required): register → EMAIL_VERIFICATION_REQUIRED → the emailed code → SUCCESS.
 */
export async function registerMember(prefix = 'member') {
  const email = randomEmail(prefix);
  const password = randomPassword();
  const { auth } = helper();
  const registered = await auth.register({ email, password, profile: { nickname: prefix } });
  assert.equal(registered.loginState, 'EMAIL_VERIFICATION_REQUIRED', `register: ${JSON.stringify(registered)}`);
  const code = await verificationCode(email);
  const verified = await auth.processVerification({ verificationCode: code }, registered);
  assert.equal(verified.loginState, 'SUCCESS', `processVerification: ${JSON.stringify(verified)}`);
  return { email, password, sessionToken: verified.data.sessionToken };
}

/** A fresh session token for a member, from the client's login. */
export async function login(email, password) {
  const result = await helper().auth.login({ email, password });
  assert.equal(result.loginState, 'SUCCESS', `login: ${JSON.stringify(result)}`);
  return result.data.sessionToken;
}

/** Follows a URL the backend handed out as a browser would, one hop: {status, location}. */
export async function follow(url) {
  const response = await fetch(url, { redirect: 'manual' });
  await response.arrayBuffer();
  return { status: response.status, location: response.headers.get('location') };
}

/**
 * An authorization code for a session token, as a custom-login site gets one:
 * `auth.getAuthUrl` with the session token (prompt none, responseMode query), its
 * authUrl followed as a browser would, the code and state parsed from the redirect.
 */
export async function authorizationCode(sessionToken, client = helper()) {
  const oauthData = client.auth.generateOAuthData(REDIRECT_URI);
  const { authUrl } = await client.auth.getAuthUrl(oauthData, { sessionToken, prompt: 'none', responseMode: 'query' });
  const { status, location } = await follow(authUrl);
  assert.equal(status, 302, `authorize: ${authUrl}`);
  assert.ok(location?.startsWith(`${REDIRECT_URI}?`), `authorize redirect: ${location}`);
  const { code, state, error } = client.auth.parseFromUrl(location, 'query');
  assert.ok(code && !error, `authorize redirect without a code: ${location}`);
  assert.equal(state, oauthData.state);
  return { code, state, oauthData, client };
}

/** Member tokens for a session token: authorizationCode, then `auth.getMemberTokens`. */
export async function memberTokensFor(sessionToken, client = helper()) {
  const { code, state, oauthData } = await authorizationCode(sessionToken, client);
  const tokens = await client.auth.getMemberTokens(code, state, oauthData);
  return { tokens, code, state, oauthData, client };
}

/** Asserts a token pair as the client stores it: a live access token of 14400 s and the refresh role. */
export function assertTokens(tokens, role) {
  assert.equal(typeof tokens.accessToken?.value, 'string');
  assert.ok(tokens.accessToken.value.length > 20, `access token: ${tokens.accessToken.value}`);
  assert.ok(
    Math.abs(tokens.accessToken.expiresAt - (now() + ACCESS_TOKEN_SECONDS)) <= 120,
    `access token expiresAt ${tokens.accessToken.expiresAt} is not ~${ACCESS_TOKEN_SECONDS} s from now`,
  );
  assert.equal(typeof tokens.refreshToken?.value, 'string');
  assert.ok(tokens.refreshToken.value.length > 20, `refresh token: ${tokens.refreshToken.value}`);
  assert.equal(tokens.refreshToken.role, role);
}

/** The signed-in member, through @wix/members with the given tokens. */
export async function currentMember(tokens) {
  const { member } = await newClient(tokens).members.getCurrentMember();
  return member;
}
