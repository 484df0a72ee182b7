// The hosted login page (Wix's "Wix-managed login page"), end to end in Debian's
// headless Chromium: the client's `getAuthUrl` without a session token → our page →
// sign in (a wrong password first, shown in place) / sign up with the emailed code /
// a forgotten password → the registered redirect URI with code and state → the
// client's `getMemberTokens` → `members.getCurrentMember`; then the same browser back
// in one click (prompt login) or silently (prompt none), until the client's logout.
// The site's callback page is a tiny node:http server on the registered origin
// (DEV_SITE_ORIGIN), so the browser lands on a real page there.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import {
  POST_LOGOUT_URL,
  REDIRECT_URI,
  SITE,
  newClient,
  randomEmail,
  randomPassword,
  recoveryToken,
  registerMember,
  verificationCode,
} from '../lib/helpers.mjs';

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

/** A fresh browser (context) with one page. */
async function newBrowser() {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  return { page, context };
}

/** Follows the client's authorize URL in `page`. */
async function authorize(page, opts) {
  const { auth, members } = newClient();
  const oauthData = auth.generateOAuthData(REDIRECT_URI);
  const { authUrl } = await auth.getAuthUrl(oauthData, opts);
  await page.goto(authUrl);
  return { auth, members, oauthData, responseMode: opts?.responseMode ?? 'fragment' };
}

/** Once the page is back at the site: the member's tokens, through the client. */
async function landTokens(page, { auth, members, oauthData, responseMode }) {
  await page.waitForURL(`${REDIRECT_URI}**`);
  const { code, state, error } = auth.parseFromUrl(page.url(), responseMode);
  assert.ok(code && !error, page.url());
  assert.equal(state, oauthData.state);
  auth.setTokens(await auth.getMemberTokens(code, state, oauthData));
  assert.equal(auth.loggedIn(), true);
  const { member } = await members.getCurrentMember();
  return { member, tokens: auth.getTokens(), auth };
}

async function signIn(page, email, password) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('getAuthUrl → hosted sign-in page → getMemberTokens → getCurrentMember; back in one click until logout', async () => {
  const { page, context } = await newBrowser();
  try {
    let flow = await authorize(page);
    await page.getByRole('heading', { name: /Sign in/ }).waitFor();
    await signIn(page, member.email, `${member.password}-wrong`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.equal((await alert.textContent()).trim(), 'Wrong email or password.');
    assert.equal(await page.getByLabel('Email').inputValue(), member.email, 'the email stays typed');
    await page.getByLabel('Password').fill(member.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const first = await landTokens(page, flow);
    assert.equal(first.member.loginEmail, member.email);

    // The same browser, prompt login: one click.
    flow = await authorize(page, { prompt: 'login' });
    await page.getByRole('button', { name: `Continue as ${member.email}` }).click();
    assert.equal((await landTokens(page, flow)).member.loginEmail, member.email);

    // prompt none: no page at all.
    flow = await authorize(page, { prompt: 'none', responseMode: 'query' });
    assert.equal((await landTokens(page, flow)).member.loginEmail, member.email);

    // The client's logout, followed in this browser, ends the browser's session too.
    const { logoutUrl } = await first.auth.logout(POST_LOGOUT_URL);
    await page.goto(logoutUrl);
    await page.waitForURL(`${POST_LOGOUT_URL}**`);
    flow = await authorize(page, { prompt: 'none', responseMode: 'query' });
    await page.waitForURL(`${REDIRECT_URI}**`);
    assert.equal(flow.auth.parseFromUrl(page.url(), 'query').error, 'login_required');
  } finally {
    await context.close();
  }
});

test('hosted page: sign up with the emailed code', async () => {
  const { page, context } = await newBrowser();
  const email = randomEmail('hosted-signup');
  const password = randomPassword();
  try {
    const flow = await authorize(page);
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel(/Password/).fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Check your email' }).waitFor();
    const code = await verificationCode(email);
    await page.getByLabel('Code').fill(code);
    await page.getByRole('button', { name: 'Verify' }).click();
    const { member: me } = await landTokens(page, flow);
    assert.equal(me.loginEmail, email);
  } finally {
    await context.close();
  }
});

test('hosted page: a forgotten password, reset from the email, leads back to sign in', async () => {
  const { page, context } = await newBrowser();
  const someone = await registerMember('hosted-forgot');
  const newPassword = randomPassword();
  try {
    const flow = await authorize(page);
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.getByLabel('Email').fill(someone.email);
    await page.getByRole('button', { name: 'Send the link' }).click();
    await page.locator('#sent').waitFor();
    const token = await recoveryToken(someone.email);
    await page.goto(`${new URL(page.url()).origin}/recovery/reset-password?token=${token}`);
    await page.getByLabel(/New password/).fill(newPassword);
    await page.getByRole('button', { name: 'Save password' }).click();
    await page.getByRole('heading', { name: /Sign in/ }).waitFor();
    await signIn(page, someone.email, newPassword);
    assert.equal((await landTokens(page, flow)).member.loginEmail, someone.email);
  } finally {
    await context.close();
  }
});

test('getAuthUrl with prompt none and no session: login_required, no page', async () => {
  const { page, context } = await newBrowser();
  try {
    const flow = await authorize(page, { prompt: 'none', responseMode: 'query' });
    await page.waitForURL(`${REDIRECT_URI}**`);
    const { error, state } = flow.auth.parseFromUrl(page.url(), 'query');
    assert.equal(error, 'login_required');
    assert.equal(state, flow.oauthData.state);
  } finally {
    await context.close();
  }
});
