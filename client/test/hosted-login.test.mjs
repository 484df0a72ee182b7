// The hosted login page (Wix's "Wix-managed login page"), end to end in Debian's
// headless Chromium: the client's `getAuthUrl` without a session token → our sign-in
// page → sign in (a wrong password first, shown in place) → the registered redirect URI
// with code and state → the client's `getMemberTokens` → `members.getCurrentMember`.
// The site's callback page is a tiny node:http server on the registered origin
// (DEV_SITE_ORIGIN), so the browser lands on a real page there.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { REDIRECT_URI, SITE, newClient, registerMember } from '../lib/helpers.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
// A function's first call may wait for cargo-lambda to start it.
const STEP_TIMEOUT_MS = 180_000;

let browser;
let member;
let site;
before(async () => {
  site = http.createServer((_, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end('<p>signed in</p>');
  });
  await new Promise((resolve) => site.listen(Number(new URL(SITE).port), new URL(SITE).hostname, resolve));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', `--crash-dumps-dir=${join(tmpdir(), 'chromium-crashes')}`],
  });
  member = await registerMember('hosted');
});
after(async () => {
  await browser?.close();
  site?.close();
});

/** Opens `authUrl` in a fresh browser context. */
async function open(authUrl) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  await page.goto(authUrl);
  return { page, context };
}

test('getAuthUrl → hosted sign-in page → getMemberTokens → getCurrentMember', async () => {
  const { auth, members } = newClient();
  const oauthData = auth.generateOAuthData(REDIRECT_URI);
  const { authUrl } = await auth.getAuthUrl(oauthData);
  const { page, context } = await open(authUrl);
  try {
    await assert.doesNotReject(page.getByRole('heading', { name: /Sign in/ }).waitFor());
    await page.getByLabel('Email').fill(member.email);
    await page.getByLabel('Password').fill(`${member.password}-wrong`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.equal((await alert.textContent()).trim(), 'Wrong email or password.');
    assert.equal(await page.getByLabel('Email').inputValue(), member.email, 'the email stays typed');

    await page.getByLabel('Password').fill(member.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${REDIRECT_URI}**`);
    // getAuthUrl's default response mode is fragment.
    const { code, state, error } = auth.parseFromUrl(page.url(), 'fragment');
    assert.ok(code && !error, page.url());
    assert.equal(state, oauthData.state);

    auth.setTokens(await auth.getMemberTokens(code, state, oauthData));
    assert.equal(auth.loggedIn(), true);
    const { member: me } = await members.getCurrentMember();
    assert.equal(me.loginEmail, member.email);
  } finally {
    await context.close();
  }
});

test('getAuthUrl with prompt none and no session: login_required, no page', async () => {
  const { auth } = newClient();
  const oauthData = auth.generateOAuthData(REDIRECT_URI);
  const { authUrl } = await auth.getAuthUrl(oauthData, { prompt: 'none', responseMode: 'query' });
  const { page, context } = await open(authUrl);
  try {
    await page.waitForURL(`${REDIRECT_URI}**`);
    const { error, state } = auth.parseFromUrl(page.url(), 'query');
    assert.equal(error, 'login_required');
    assert.equal(state, oauthData.state);
  } finally {
    await context.close();
  }
});
