// `auth.getMemberTokensForDirectLogin(sessionToken)` needs a page: it creates a redirect
// session (responseMode web_message, prompt none), loads its authUrl in a hidden iframe
// and waits for the page there to post `{code, state}` to the window. Here the page is a
// jsdom window on the site's registered origin; jsdom loads the iframe from BASE_URL
// itself (its own loader, not the shim) and runs the authorize page's script, which
// posts to the registered origins only. The client's own calls still go through the shim.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { exchanges } from '../lib/backend.mjs';
import { SITE, assertTokens, currentMember, login, newClient, registerMember } from '../lib/helpers.mjs';

const requestTo = (start, path) => exchanges.slice(start).find((e) => new URL(e.target).pathname === path);
// The client waits 120 s for the message; fail sooner, and say what was missing.
const within = (promise, ms, what) =>
  Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(what)), ms).unref())]);

let dom;
let member;
before(async () => {
  member = await registerMember('direct-login');
  dom = new JSDOM('<!doctype html><html><body></body></html>', {
    url: `${SITE}/`,
    runScripts: 'dangerously',
    resources: 'usable',
  });
  Object.assign(globalThis, { window: dom.window, document: dom.window.document });
});

after(() => {
  for (const name of ['window', 'document']) delete globalThis[name];
  dom.window.close();
});

test('getMemberTokensForDirectLogin', async () => {
  const sessionToken = await login(member.email, member.password);
  const { auth } = newClient();
  const start = exchanges.length;
  const tokens = await within(
    auth.getMemberTokensForDirectLogin(sessionToken),
    30_000,
    'getMemberTokensForDirectLogin: no {code, state} message from the authorize page in 30 s',
  );
  assertTokens(tokens, 'member');
  assert.equal((await currentMember(tokens)).loginEmail, member.email);

  const session = JSON.parse(requestTo(start, '/_api/redirects-api/v1/redirect-session').requestBody).auth;
  assert.equal(session.prompt, 'none');
  assert.equal(session.authRequest.responseMode, 'web_message');
  assert.equal(session.authRequest.sessionToken, sessionToken);
  const exchange = exchanges
    .slice(start)
    .filter((e) => new URL(e.target).pathname === '/oauth2/token')
    .map((e) => JSON.parse(e.requestBody))
    .find((body) => body.grantType === 'authorization_code');
  assert.ok(exchange, 'the code from the message is exchanged');
  assert.equal(exchange.redirectUri, undefined, 'web_message has no redirect URI');
  assert.equal(document.querySelector('iframe'), null, 'the client removes its iframe');

  // A session token that is no good: the page posts an error, the client gets no code.
  await assert.rejects(
    within(auth.getMemberTokensForDirectLogin('JWS.not-a-session'), 30_000, 'no message for a bad session token'),
    /Missing code or _state/,
  );
});
