// Accessibility of every hosted page, in every state it shows and every language it
// speaks: axe-core (WCAG 2.0–2.2 A and AA rules) in Debian's headless Chromium against
// `make dev`, plus what axe cannot see: the page's language and direction, the
// show/hide password toggle, and reflow at 320 CSS pixels (a phone, or 200 % zoom of a
// 640-pixel window) without sideways scrolling.
//
// Run: node --test a11y.test.mjs   (env: DEV_PORT, DEV_SITE_ORIGIN, SES_INBOX_URL, CHROMIUM;
// `make browser-test` starts `make dev` with room in its rate limits and a full brand).
// Against a `make dev` under APPROVAL_MODE=manual (and EMAIL_VERIFICATION=off), which
// `make browser-test` starts too, it checks what only that mode shows instead: the
// pending screen, and the owner's approval email.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import { createRequire } from 'node:module';
import { launchChromium } from './chromium.mjs';

const BASE = `http://127.0.0.1:${process.env.DEV_PORT || '9000'}`;
const SITE = new URL(process.env.DEV_SITE_ORIGIN || 'http://127.0.0.1:5173').origin;
const INBOX = process.env.SES_INBOX_URL || 'http://127.0.0.1:8005';
const CLIENT_ID = 'local-client';
const PASSWORD = 'correct-horse-battery';
const STEP_TIMEOUT_MS = 180_000;
const MANUAL_APPROVAL = process.env.APPROVAL_MODE === 'manual';
const OWNER = process.env.OWNER_EMAIL || 'owner@example.com';
const LANGUAGES = [
  { tag: 'en', dir: 'ltr' },
  { tag: 'fr', dir: 'ltr' },
  { tag: 'es', dir: 'ltr' },
  { tag: 'ar', dir: 'rtl' },
];
// axe's WCAG rule sets, 2.0 to 2.2, levels A and AA.
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
// Pictures of a few states for the README's gallery (`make screenshots` writes them to
// docs/gallery; `make test` renders them to a temporary folder).
const GALLERY = process.env.GALLERY_DIR || join(tmpdir(), 'members-auth-gallery');
const PICTURES = new Set([
  'sign-in/en',
  'sign-in with an error/ar',
  'code/fr',
  'continue/es',
  'reset with an error/en',
  'email: code/en',
  'email: recovery/ar',
]);
const uniqueEmail = (prefix) => `${prefix}-${randomBytes(6).toString('hex')}@example.com`;

async function post(path, body) {
  const response = await fetch(BASE + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(STEP_TIMEOUT_MS),
  });
  const text = await response.text();
  assert.ok(response.status < 300, `POST ${path}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** The hosted sign-in page of a fresh authorize request (as `getAuthUrl` makes one). */
async function authorizeUrl() {
  const verifier = randomBytes(48).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const json = await post('/_api/redirects-api/v1/redirect-session', {
    auth: {
      authRequest: {
        clientId: CLIENT_ID,
        codeChallenge: challenge,
        codeChallengeMethod: 'S256',
        redirectUri: `${SITE}/callback`,
        responseMode: 'query',
        responseType: 'code',
        scope: 'offline_access',
        state: 'a11y',
      },
    },
  });
  return json.redirectSession.fullUrl;
}

/** The emails to `address` so far. */
async function mailTo(address) {
  const response = await fetch(`${INBOX}/store`, { signal: AbortSignal.timeout(10_000) });
  const { emails } = await response.json();
  return emails.filter((e) => (e.destination?.to ?? []).includes(address));
}

/** The code of the `nth` email to `address` (1 = the first), once it has come. */
async function codeTo(address, nth) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const code = (await mailTo(address))[nth - 1]?.body?.text?.match(/\b(\d{6})\b/)?.[1];
    if (code) return code;
    if (Date.now() > deadline) assert.fail(`no code ${nth} emailed to ${address}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

let browser;
let site; // the site the flow returns to: not under test, any page of it will do
const checked = []; // every page state axe looked at

before(async () => {
  browser = await launchChromium();
  site = http.createServer((_, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html lang="en"><title>site</title><h1 id="site">site</h1></html>');
  });
  await new Promise((resolve) => site.listen(Number(new URL(SITE).port || 80), '127.0.0.1', resolve));
});

after(async () => {
  await browser?.close();
  site?.close();
  process.stdout.write(`# axe-core: ${checked.length} page states (page × state × language) with no violation\n`);
});

/** A browser that asks for `tag` first; CSP bypassed only so that axe can be injected. */
async function browserIn(tag) {
  const context = await browser.newContext({
    bypassCSP: true,
    viewport: { width: 480, height: 720 },
    locale: tag,
    extraHTTPHeaders: { 'accept-language': `${tag};q=1, en;q=0.1` },
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
  return context;
}

/** axe over the page as it stands, plus language, direction and reflow. */
async function audit(page, language, state) {
  const lang = await page.evaluate(() => ({
    lang: document.documentElement.lang,
    dir: document.documentElement.dir,
    direction: getComputedStyle(document.body).direction,
  }));
  assert.deepEqual(lang, { lang: language.tag, dir: language.dir, direction: language.dir }, state);
  await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(
    async (tags) =>
      (await window.axe.run(document, { runOnly: { type: 'tag', values: tags } })).violations.map(
        (v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
      ),
    WCAG_TAGS,
  );
  assert.deepEqual(violations, [], `${state} in ${language.tag}`);
  const size = page.viewportSize();
  await page.setViewportSize({ width: 320, height: 640 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${state} in ${language.tag}: ${overflow}px of sideways scroll at 320px`);
  await page.setViewportSize(size);
  const key = `${state}/${language.tag}`;
  if (PICTURES.has(key)) {
    mkdirSync(GALLERY, { recursive: true });
    const name = `${state.replace(/[^a-z]+/g, '-')}-${language.tag}.png`;
    await page.screenshot({ path: join(GALLERY, name), fullPage: true });
  }
  checked.push(key);
}

/** An email's HTML, shown as a mail client would, in a page of its own. */
async function openEmail(context, email) {
  const page = await context.newPage();
  await page.setContent(email.body.html);
  return page;
}

async function submit(page, button) {
  await Promise.all([page.waitForNavigation(), page.click(button)]);
}

if (MANUAL_APPROVAL) {
  for (const language of LANGUAGES) {
    test(`the pending screen in ${language.tag}: axe finds nothing`, async () => {
      const context = await browserIn(language.tag);
      const page = await context.newPage();
      try {
        await page.goto(`${await authorizeUrl()}&screen=sign-up`);
        await page.fill('#email', uniqueEmail('pending'));
        await page.fill('#password', PASSWORD);
        await submit(page, '#sign-up');
        assert.ok(await page.isVisible('#pending'));
        await audit(page, language, 'pending');
      } finally {
        await context.close();
      }
    });
  }

  test('the owner\'s approval email (in the site\'s language): axe finds nothing', async () => {
    const context = await browserIn('en');
    try {
      const before = (await mailTo(OWNER)).length;
      await post('/backend/authentication/register', { email: uniqueEmail('waiting'), password: PASSWORD });
      const deadline = Date.now() + 30_000;
      let mail;
      while (!(mail = (await mailTo(OWNER))[before]) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      assert.ok(mail, `no approval request to ${OWNER}`);
      const letter = await openEmail(context, mail);
      await audit(letter, LANGUAGES[0], 'email: approval request');
    } finally {
      await context.close();
    }
  });
} else {
  for (const language of LANGUAGES) {
    test(`hosted sign-in screens in ${language.tag}: axe finds nothing, the password toggle works`, async () => {
      const context = await browserIn(language.tag);
      const page = await context.newPage();
      try {
        const start = await authorizeUrl();
        await page.goto(start);
        await audit(page, language, 'sign-in');

        // Show/hide: a button named in the page's language turns the field to text and back.
        await page.fill('#password', 'typed');
        const toggle = page.locator('#password-reveal');
        assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
        await toggle.click();
        assert.equal(await page.getAttribute('#password', 'type'), 'text');
        assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
        await toggle.click();
        assert.equal(await page.getAttribute('#password', 'type'), 'password');

        await page.fill('#email', uniqueEmail('nobody'));
        await page.fill('#password', 'wrong-password-1');
        await submit(page, '#sign-in');
        assert.ok(await page.isVisible('#error'));
        assert.equal(await page.getAttribute('#password', 'aria-describedby'), 'error');
        await audit(page, language, 'sign-in with an error');

        await page.goto(`${start}&screen=forgot`);
        await audit(page, language, 'forgot');
        await page.fill('#email', uniqueEmail('forgot'));
        await submit(page, '#forgot');
        assert.ok(await page.isVisible('#sent'));
        await audit(page, language, 'forgot: sent');

        await page.goto(`${start}&screen=sign-up`);
        await audit(page, language, 'sign-up');
        // A password the page refuses (the browser's own check set aside, as a client
        // without it would send).
        await page.fill('#email', uniqueEmail('short'));
        await page.fill('#password', 'abc');
        await page.evaluate(() => {
          document.querySelector('#sign-up-form').noValidate = true;
        });
        await submit(page, '#sign-up');
        assert.ok(await page.isVisible('#error'));
        await audit(page, language, 'sign-up with an error');

        const email = uniqueEmail('signup');
        await page.fill('#email', email);
        await page.fill('#password', PASSWORD);
        await submit(page, '#sign-up');
        assert.ok(await page.isVisible('#code'));
        await audit(page, language, 'code');
        await page.fill('#code', '000000');
        await submit(page, '#verify');
        assert.ok(await page.isVisible('#error'));
        await audit(page, language, 'code with an error');
        await submit(page, '#resend');
        assert.ok(await page.isVisible('#notice'));
        await audit(page, language, 'code: sent again');

        // The right code signs in and lands on the site; the next authorize offers to
        // go on as that member.
        const first = await openEmail(context, (await mailTo(email))[0]);
        await audit(first, language, 'email: code');
        await first.close();
        await page.fill('#code', await codeTo(email, 2));
        await submit(page, '#verify');
        assert.ok(page.url().startsWith(`${SITE}/callback?`), page.url());
        await page.goto(await authorizeUrl());
        assert.ok(await page.isVisible('#continue'));
        await audit(page, language, 'continue');
      } finally {
        await context.close();
      }
    });

    test(`password reset and error pages in ${language.tag}: axe finds nothing`, async () => {
      const context = await browserIn(language.tag);
      const page = await context.newPage();
      try {
        const token = randomBytes(32).toString('base64url');
        await page.goto(`${BASE}/recovery/reset-password?token=${token}`);
        await audit(page, language, 'reset');
        await page.fill('#password', 'abc');
        await page.evaluate(() => {
          document.querySelector('form').noValidate = true;
        });
        await submit(page, '#submit');
        assert.ok(await page.isVisible('#error'));
        await audit(page, language, 'reset with an error');
        // A link that was never issued: the error page.
        await page.fill('#password', PASSWORD);
        await submit(page, '#submit');
        assert.ok(await page.isVisible('#error'));
        await audit(page, language, 'error');
        // A request the service refuses as malformed: the member's sentence, and the
        // service's own (English, marked so) beneath it.
        await page.goto(`${BASE}/oauth2/logout?id=`);
        assert.equal(await page.getAttribute('#error', 'lang'), 'en');
        await audit(page, language, 'error: a bad request');

        // A real link, from the recovery email in the language asked for, sets a password.
        const email = uniqueEmail('reset');
        await post('/backend/authentication/register', { email, password: PASSWORD });
        await post('/_api/iam/recovery/v1/send-email', { email, language: language.tag });
        const deadline = Date.now() + 30_000;
        let mail;
        while (!(mail = (await mailTo(email))[0]) && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        assert.ok(mail, `no recovery email to ${email}`);
        const letter = await openEmail(context, mail);
        await audit(letter, language, 'email: recovery');
        await letter.close();
        const link = mail.body.text.match(/https?:\/\/\S+token=\S+/)?.[0];
        assert.ok(link, mail.body.text);
        await page.goto(link);
        await page.fill('#password', 'a-new-password-9');
        await submit(page, '#submit');
        assert.ok(await page.isVisible('#done'));
        await audit(page, language, 'reset: done');
      } finally {
        await context.close();
      }
    });
  }

  for (const language of LANGUAGES) {
    test(`the signing-in and session pages in ${language.tag}: axe finds nothing`, async () => {
      const context = await browserIn(language.tag);
      const page = await context.newPage();
      try {
        // A signed-in member's authorize in web_message mode: the page that hands the
        // code to the site (opened here on its own, so it hands it to no one).
        const email = uniqueEmail('framed');
        const { sessionToken } = await post('/backend/authentication/register', { email, password: PASSWORD });
        const verifier = randomBytes(48).toString('base64url');
        const json = await post('/_api/redirects-api/v1/redirect-session', {
          auth: {
            authRequest: {
              clientId: CLIENT_ID,
              codeChallenge: createHash('sha256').update(verifier).digest('base64url'),
              codeChallengeMethod: 'S256',
              responseMode: 'web_message',
              responseType: 'code',
              scope: 'offline_access',
              state: 'a11y',
              sessionToken,
            },
          },
        });
        await page.goto(json.redirectSession.fullUrl);
        await audit(page, language, 'signing in');
        await page.goto(`${BASE}/oauth2/session`);
        await audit(page, language, 'session');
      } finally {
        await context.close();
      }
    });
  }
}

if (!MANUAL_APPROVAL) {
  test('without JavaScript the hosted page still signs a member in', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    context.setDefaultTimeout(STEP_TIMEOUT_MS);
    context.setDefaultNavigationTimeout(STEP_TIMEOUT_MS);
    const page = await context.newPage();
    try {
      const email = uniqueEmail('nojs');
      await post('/backend/authentication/register', { email, password: PASSWORD });
      await page.goto(await authorizeUrl());
      assert.equal(await page.locator('#password-reveal').count(), 0, 'no toggle without script');
      await page.fill('#email', email);
      await page.fill('#password', PASSWORD);
      await submit(page, '#sign-in');
      assert.ok(page.url().startsWith(`${SITE}/callback?code=`), page.url());
    } finally {
      await context.close();
    }
  });
}

test('axe, as run here, does report what it should (a field without a label)', async () => {
  const context = await browserIn('en');
  const page = await context.newPage();
  try {
    await page.goto(`${BASE}/recovery/reset-password?token=${randomBytes(32).toString('base64url')}`);
    await page.evaluate(() => {
      document.querySelector('label').remove();
    });
    await page.addScriptTag({ content: AXE_SOURCE });
    const ids = await page.evaluate(async (tags) => {
      const found = await window.axe.run(document, { runOnly: { type: 'tag', values: tags } });
      return found.violations.map((v) => v.id);
    }, WCAG_TAGS);
    assert.ok(ids.includes('label'), `axe found ${ids.join(', ') || 'nothing'}`);
  } finally {
    await context.close();
  }
});
