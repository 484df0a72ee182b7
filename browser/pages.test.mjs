// Real-browser tests of the two hosted pages, in Debian's headless Chromium driven by
// playwright-core, against the service `make dev` runs (`make browser-test` starts it):
//   - the authorize `web_message` page: it hands {code, state} to a framing (or opening)
//     page on the registered origin, and to nothing else;
//   - the password reset page of a recovery email: validation error, success redirect
//     to the registered after-reset URL, single use.
// The site pages are served by two tiny node:http servers: one on the local OAuth
// client's registered origin (DEV_SITE_ORIGIN), one on an unregistered origin.
//
// Run: node --test pages.test.mjs   (env: DEV_PORT, DEV_SITE_ORIGIN, SES_INBOX_URL,
// CHROMIUM, BROWSER_OTHER_PORT; see mk/browser.mk)

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from './chromium.mjs';

const BASE = `http://127.0.0.1:${process.env.DEV_PORT || '9000'}`;
const SITE = new URL(process.env.DEV_SITE_ORIGIN || 'http://127.0.0.1:5173').origin;
const INBOX = process.env.SES_INBOX_URL || 'http://127.0.0.1:8005';
// Any port but the registered one is an unregistered origin; 0 = a free one.
const OTHER_PORT = Number(process.env.BROWSER_OTHER_PORT || 0);
const CLIENT_ID = 'local-client';
// The first call to each function may wait for cargo-lambda to build and start it.
const CALL_TIMEOUT_MS = 300_000;
// Each browser step: `make dev` rebuilds and restarts a function whenever its source
// changes, so a step may wait for a compile.
const STEP_TIMEOUT_MS = 180_000;
// How long "nothing arrives" is watched for, once the page had every chance to post.
const QUIET_MS = 3_000;

// ---------------------------------------------------------------- HTTP helpers

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function call(method, path, { body, headers = {}, expect } = {}) {
  let response;
  let text;
  // The per-source rate limits are shared with every other client of the local stack
  // (same source address, same table): a 429 is waited out, a few times at most.
  for (let attempt = 0; ; attempt++) {
    response = await fetch(BASE + path, {
      method,
      redirect: 'manual',
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(CALL_TIMEOUT_MS),
    });
    text = await response.text();
    if (response.status !== 429 || expect === 429 || attempt === 3) break;
    const seconds =
      Number(response.headers.get('retry-after')) || Number(text.match(/in (\d+) seconds/)?.[1]) || 15;
    const wait = Math.min(Math.max(seconds, 1), 65);
    process.stderr.write(`# ${method} ${path.split('?')[0]}: 429, retrying in ${wait}s\n`);
    await sleep(wait * 1000);
  }
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (expect !== undefined) {
    assert.equal(response.status, expect, `${method} ${path.split('?')[0]}: ${text.slice(0, 300)}`);
  }
  return { status: response.status, json, text, headers: response.headers };
}

const b64url = (buffer) => buffer.toString('base64url');

function pkce() {
  const verifier = b64url(randomBytes(48));
  const challenge = b64url(createHash('sha256').update(verifier).digest());
  return { verifier, challenge };
}

const uniqueEmail = (prefix) => `${prefix}-${randomBytes(6).toString('hex')}@example.com`;

async function register(email, password) {
  const { json } = await call('POST', '/backend/authentication/register', {
    body: { email, password },
    expect: 200,
  });
  assert.ok(json.sessionToken, `register answered no sessionToken: ${JSON.stringify(json)}`);
  return json.sessionToken;
}

// A session token opens one session, so each authorize below gets a fresh one.
async function login(email, password) {
  const { json } = await call('POST', '/backend/authentication/login', { body: { email, password }, expect: 200 });
  assert.ok(json.sessionToken, `login answered no sessionToken: ${JSON.stringify(json)}`);
  return json.sessionToken;
}

async function webMessageSession(sessionToken, state, challenge) {
  const { json } = await call('POST', '/_api/redirects-api/v1/redirect-session', {
    body: {
      auth: {
        authRequest: {
          clientId: CLIENT_ID,
          codeChallenge: challenge,
          codeChallengeMethod: 'S256',
          responseMode: 'web_message',
          responseType: 'code',
          scope: 'offline_access',
          state,
          sessionToken,
        },
      },
    },
    expect: 200,
  });
  const fullUrl = json?.redirectSession?.fullUrl;
  assert.ok(fullUrl?.startsWith(`${BASE}/oauth2/authorize?`), `fullUrl: ${fullUrl}`);
  return fullUrl;
}

async function latestEmailTo(address, { after = 0, timeoutMs = 15_000 } = {}) {
  const wanted = address.toLowerCase();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(`${INBOX}/store`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(response.status, 200, 'SES inbox /store');
    const { emails } = await response.json();
    const mine = emails
      .slice(after)
      .filter((e) => (e.destination?.to ?? []).some((to) => to.toLowerCase() === wanted));
    if (mine.length) return mine.at(-1);
    if (Date.now() > deadline) assert.fail(`no email to ${address} in ${INBOX}/store`);
    await sleep(200);
  }
}

async function inboxSize() {
  const response = await fetch(`${INBOX}/store`, { signal: AbortSignal.timeout(10_000) });
  return (await response.json()).emails.length;
}

// ------------------------------------------------------------ the site servers

// The page a site puts the hosted flow in: it records every `message` event.
const HOST_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>site</title>
<script>
  window.received = [];
  window.addEventListener('message', (e) => window.received.push({ data: e.data, origin: e.origin }));
  window.frameIn = (src) => {
    const f = document.createElement('iframe');
    f.id = 'auth'; f.src = src; document.body.appendChild(f);
  };
  window.popUp = (src) => { window.authPopup = window.open(src, 'auth'); return !!window.authPopup; };
</script></head><body><h1 id="site">site</h1></body></html>`;

const landingPage = (name) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${name}</title></head>` +
  `<body><h1 id="landed">${name}</h1></body></html>`;

/** A static server on 127.0.0.1:port that logs what it was asked for. */
function startSite(port) {
  const hits = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://site');
    hits.push({ method: req.method, path: url.pathname, search: url.search, referer: req.headers.referer });
    const send = (status, html) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(html);
    };
    if (url.pathname === '/' || url.pathname === '/host') return send(200, HOST_PAGE);
    if (['/after-reset', '/callback', '/signed-out'].includes(url.pathname)) {
      return send(200, landingPage(url.pathname.slice(1)));
    }
    if (url.pathname === '/favicon.ico') return send(204, '');
    return send(404, landingPage('not found'));
  });
  return new Promise((resolve, reject) => {
    server.once('error', (err) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`port ${port} is taken: another browser test or site server is running on it`)
          : err,
      ),
    );
    server.listen(port, '127.0.0.1', () => {
      const origin = `http://127.0.0.1:${server.address().port}`;
      resolve({ server, origin, hits });
    });
  });
}

// ---------------------------------------------------------------- the browser

let browser;
let registered; // the site on the client's registered origin
let unregistered; // the same site on an origin the client does not list

async function newPage() {
  const context = await browser.newContext();
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  const page = await context.newPage();
  const logs = [];
  page.on('console', (m) => logs.push(m.text()));
  context.on('page', (p) => p.on('console', (m) => logs.push(m.text())));
  return { context, page, logs };
}

async function hostPage(site) {
  const env = await newPage();
  const response = await env.page.goto(`${site.origin}/host`);
  assert.equal(response.status(), 200);
  return env;
}

const received = (page) => page.evaluate(() => window.received);

async function waitForMessage(page, timeoutMs = STEP_TIMEOUT_MS) {
  await page.waitForFunction(() => window.received.length > 0, null, { timeout: timeoutMs });
  return received(page);
}

before(async () => {
  registered = await startSite(Number(new URL(SITE).port || 80));
  unregistered = await startSite(OTHER_PORT);
  assert.notEqual(unregistered.origin, SITE);
  browser = await launchChromium();
  // Wakes every function these tests use (the first call may build it) with a GET,
  // which each answers without touching its rate limits (405 for the POST routes).
  const warm = [
    '/backend/authentication/register',
    '/backend/authentication/login',
    '/_api/redirects-api/v1/redirect-session',
    '/oauth2/token',
    '/members/v1/members/my',
    '/_api/iam/recovery/v1/send-email',
    '/recovery/reset-password?token=warm-up',
    '/oauth2/authorize',
  ];
  await Promise.all(
    warm.map(async (path) => {
      const { status, text } = await call('GET', path);
      assert.ok(status < 500, `warm-up GET ${path}: ${status} ${text.slice(0, 200)}`);
    }),
  );
});

after(async () => {
  await browser?.close();
  for (const site of [registered, unregistered]) site?.server.close();
});

// Keeps a screenshot of a failing step (path printed) for a look afterwards.
async function snap(page, name) {
  const path = join(tmpdir(), `browser-test-${name}-${Date.now()}.png`);
  await page.screenshot({ path }).catch(() => {});
  return path;
}

// --------------------------------------------------------- authorize web_message

describe('authorize page, response_mode=web_message', () => {
  const password = 'correct-horse-battery';
  const email = uniqueEmail('browser');
  before(async () => {
    await register(email, password);
  });

  test('posts {code, state} to a framing page on the registered origin; the code signs in', async () => {
    const { verifier, challenge } = pkce();
    const state = `s-${randomBytes(8).toString('hex')}`;
    const fullUrl = await webMessageSession(await login(email, password), state, challenge);
    const { context, page, logs } = await hostPage(registered);
    try {
      await page.evaluate((src) => window.frameIn(src), fullUrl);
      const messages = await waitForMessage(page).catch(async (err) => {
        throw new Error(`no message: ${err.message}; console: ${logs.join(' | ')}; ${await snap(page, 'frame')}`);
      });
      // Anything else the page would post arrives at once; give it a moment.
      await page.waitForTimeout(500);
      const all = await received(page);
      assert.equal(all.length, 1, `exactly one message: ${JSON.stringify(all)}`);
      const [{ data, origin }] = messages;
      assert.equal(origin, BASE, 'the message comes from the service origin');
      assert.deepEqual(Object.keys(data).sort(), ['code', 'state'], JSON.stringify(data));
      assert.equal(data.state, state);
      assert.match(data.code, /^\S{16,}$/);

      const { json: tokens } = await call('POST', '/oauth2/token', {
        body: { clientId: CLIENT_ID, grantType: 'authorization_code', code: data.code, codeVerifier: verifier },
        expect: 200,
      });
      assert.ok(tokens.access_token, JSON.stringify(tokens));
      const { json: me } = await call('GET', '/members/v1/members/my', {
        headers: { authorization: tokens.access_token },
        expect: 200,
      });
      assert.equal(me.member.loginEmail.toLowerCase(), email.toLowerCase());
      // The code is single use.
      await call('POST', '/oauth2/token', {
        body: { clientId: CLIENT_ID, grantType: 'authorization_code', code: data.code, codeVerifier: verifier },
        expect: 400,
      });
    } finally {
      await context.close();
    }
  });

  test('a popup opened by the registered origin gets the message too (window.opener)', async () => {
    const { challenge } = pkce();
    const state = `p-${randomBytes(8).toString('hex')}`;
    const fullUrl = await webMessageSession(await login(email, password), state, challenge);
    const { context, page } = await hostPage(registered);
    try {
      const popup = context.waitForEvent('page');
      assert.ok(await page.evaluate((src) => window.popUp(src), fullUrl), 'window.open was blocked');
      await popup;
      const [{ data, origin }] = await waitForMessage(page);
      assert.equal(origin, BASE);
      assert.equal(data.state, state);
      assert.ok(data.code);
    } finally {
      await context.close();
    }
  });

  test('a page on an unregistered origin that frames it receives nothing', async () => {
    const { challenge } = pkce();
    const state = `u-${randomBytes(8).toString('hex')}`;
    const fullUrl = await webMessageSession(await login(email, password), state, challenge);
    const { context, page, logs } = await hostPage(unregistered);
    try {
      // The authorize response itself arrives (so the page had its chance) ...
      const answered = page.waitForResponse((r) => r.url().startsWith(`${BASE}/oauth2/authorize?`));
      await page.evaluate((src) => window.frameIn(src), fullUrl);
      const response = await answered;
      assert.equal(response.status(), 200);
      assert.match(response.headers()['content-security-policy'] ?? '', new RegExp(`frame-ancestors ${SITE}(;|$)`));
      await page.waitForTimeout(QUIET_MS);
      // ... but Chromium refuses to render it here (CSP frame-ancestors) and nothing is posted.
      assert.deepEqual(await received(page), []);
      const blocked = logs.some((line) => line.includes('frame-ancestors'));
      assert.ok(blocked, `Chromium reported no frame-ancestors refusal; console: ${logs.join(' | ')}`);
    } finally {
      await context.close();
    }
  });

  test('a popup opened by an unregistered origin receives nothing (exact targetOrigin)', async () => {
    // frame-ancestors does not cover a popup: here only postMessage's target origin
    // keeps the code from the opener.
    const { challenge } = pkce();
    const state = `q-${randomBytes(8).toString('hex')}`;
    const fullUrl = await webMessageSession(await login(email, password), state, challenge);
    const { context, page } = await hostPage(unregistered);
    try {
      const popupEvent = context.waitForEvent('page');
      assert.ok(await page.evaluate((src) => window.popUp(src), fullUrl), 'window.open was blocked');
      const popup = await popupEvent;
      await popup.waitForLoadState('load');
      assert.match(await popup.textContent('body'), /Signing in/);
      await page.waitForTimeout(QUIET_MS);
      assert.deepEqual(await received(page), []);
    } finally {
      await context.close();
    }
  });
});

// ------------------------------------------------------------- password reset

describe('password reset page', () => {
  const oldPassword = 'correct-horse-battery';
  const newPassword = 'new-staple-battery-42';
  // Mixed case: the recipient is matched case-insensitively.
  const email = uniqueEmail('Browser-Reset').replace('example.com', 'Example.com');
  const afterReset = `${SITE}/after-reset`;
  const resetPost = (r) => r.url() === `${BASE}/recovery/reset-password` && r.request().method() === 'POST';
  let link;
  let env; // one browser tab walks the steps below in order

  before(async () => {
    await register(email, oldPassword);
    const seen = await inboxSize();
    await call('POST', '/_api/iam/recovery/v1/send-email', {
      body: { email, redirect: { url: afterReset, clientId: CLIENT_ID } },
      expect: 200,
    });
    const mail = await latestEmailTo(email, { after: seen });
    const text = mail.body?.text ?? '';
    const match = text.match(/https?:\/\/\S+\/recovery\/reset-password\?token=[A-Za-z0-9_-]+/);
    assert.ok(match, `no reset link in the email text: ${text}`);
    link = match[0];
    assert.ok(link.startsWith(`${BASE}/`), `the link points at ${link}, not at ${BASE}`);
    assert.ok((mail.body?.html ?? '').includes(link), 'the html part carries the same link');
    env = await newPage();
  });

  after(async () => {
    await env?.context.close();
  });

  test('a too-short password: Chromium keeps it (minlength), the page answers #error', async () => {
    const { page } = env;
    const form = await page.goto(link);
    assert.equal(form.status(), 200);
    assert.equal(await page.locator('#error').count(), 0);

    // Chromium's own check (minlength) keeps a too-short password from being sent ...
    await page.fill('#password', 'abc');
    await page.click('#submit');
    await page.waitForTimeout(300);
    assert.equal(page.url(), link, 'a too-short password left the page');
    assert.equal(await page.$eval('#password', (el) => el.validity.tooShort), true);
    // ... and the service shows #error when the browser does not check.
    await page.$eval('form', (f) => {
      f.noValidate = true;
    });
    const [rejected] = await Promise.all([page.waitForResponse(resetPost), page.click('#submit')]);
    assert.equal(rejected.status(), 400);
    await page.waitForSelector('#error');
    assert.match(await page.textContent('#error'), /at least \d+ characters/);
    assert.equal(await page.locator('#password').count(), 1, 'the form is shown again');
  });

  test('a good password: the browser lands on the after-reset URL', async () => {
    const { page, logs } = env;
    // On the re-shown form, which carries the token in its hidden field.
    await page.fill('#password', newPassword);
    const landed = page.waitForURL(afterReset).then(
      () => true,
      (err) => err,
    );
    await page.click('#submit');
    const outcome = await landed;
    if (outcome !== true) {
      // Chromium holds the redirect that follows the POST to the page's CSP
      // `form-action` list: the registered origins must be on it.
      assert.fail(
        `did not land on ${afterReset} (at ${page.url()}): ${outcome.message.split('\n')[0]}; ` +
          `body: ${(await page.textContent('body').catch(() => '')).slice(0, 200)}; ` +
          `console: ${logs.join(' | ')}; screenshot: ${await snap(page, 'reset')}`,
      );
    }
    assert.equal(await page.textContent('#landed'), 'after-reset');
    const landing = registered.hits.filter((h) => h.path === '/after-reset');
    assert.equal(landing.length, 1);
    assert.equal(landing[0].search, '', 'nothing is appended to the after-reset URL');
    assert.equal(landing[0].referer, undefined, 'no Referer (the reset URL carried the token)');
  });

  test('the new password signs in, the old one no longer', async () => {
    await call('POST', '/backend/authentication/login', {
      body: { email, password: newPassword },
      expect: 200,
    });
    await call('POST', '/backend/authentication/login', {
      body: { email, password: oldPassword },
      expect: 401,
    });
  });

  test('the same link a second time: an error page, no redirect', async () => {
    const { page } = env;
    const landedBefore = registered.hits.filter((h) => h.path === '/after-reset').length;
    const again = await page.goto(link);
    assert.equal(again.status(), 200);
    await page.fill('#password', 'another-good-password-7');
    const [answer] = await Promise.all([page.waitForResponse(resetPost), page.click('#submit')]);
    assert.equal(answer.status(), 400);
    assert.equal(answer.headers().location, undefined);
    await page.waitForSelector('#error');
    assert.equal(new URL(page.url()).origin, BASE, `left the service for ${page.url()}`);
    assert.match(await page.textContent('#error'), /invalid, already used or expired/);
    assert.equal(await page.locator('#password').count(), 0, 'no form on the error page');
    await page.waitForTimeout(500);
    assert.equal(registered.hits.filter((h) => h.path === '/after-reset').length, landedBefore);
    // The password stays the one the first use set.
    await call('POST', '/backend/authentication/login', {
      body: { email, password: newPassword },
      expect: 200,
    });
  });
});
