// `auth.sessions.syncToWixPages`: in a page (jsdom here) it creates a redirect session
// with a `{login: {}}` intent through the client in context, loads its fullUrl (the
// backend's /oauth2/session page) in a hidden iframe and, once it loads, stores the time
// in localStorage. The client swallows failures into console.error, so the test watches
// console.error, localStorage and the request it sent.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { JSDOM } from 'jsdom';
import { exchanges } from '../lib/backend.mjs';
import { SITE, follow, newClient } from '../lib/helpers.mjs';

const PREWARM_KEY = 'wixRedirectSessionLastPreWarm';
let dom;

before(() => {
  // A page on the site's registered origin; `resources: 'usable'` makes the iframe load
  // its src (from BASE_URL) and fire `load`, as a browser would.
  dom = new JSDOM('<!doctype html><html><body></body></html>', { url: `${SITE}/`, resources: 'usable' });
  Object.assign(globalThis, { window: dom.window, document: dom.window.document, localStorage: dom.window.localStorage });
});

after(() => {
  delete globalThis.__wix_context__;
  for (const name of ['window', 'document', 'localStorage']) delete globalThis[name];
  dom.window.close();
});

test('sessions.syncToWixPages', async () => {
  const client = newClient();
  // The module-level @wix/redirects call inside syncToWixPages needs a client in context.
  client.enableContext('global');
  assert.equal(client.auth.sessions.isSessionSynced(), false);

  const errors = [];
  const consoleError = console.error;
  console.error = (...args) => errors.push(args.map((a) => (a instanceof Error ? a.stack : String(a))).join(' '));
  const start = exchanges.length;
  try {
    await Promise.race([
      client.auth.sessions.syncToWixPages(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('syncToWixPages: the iframe never loaded')), 60_000).unref()),
    ]);
  } finally {
    console.error = consoleError;
  }

  const sent = exchanges.slice(start).find((e) => new URL(e.target).pathname.endsWith('/v1/redirect-session'));
  assert.ok(sent, 'no redirect session request was sent');
  assert.deepEqual(JSON.parse(sent.requestBody), { login: {} });
  assert.equal(sent.status, 200, `redirect session {login:{}} answered ${sent.status}: ${sent.responseBody}`);
  assert.deepEqual(errors, [], 'syncToWixPages reported an error');
  assert.ok(Number(localStorage.getItem(PREWARM_KEY)) > Date.now() - 120_000, 'the sync time is stored');
  assert.equal(client.auth.sessions.isSessionSynced(), true);

  // The hidden iframe loads a page of the backend that answers.
  const iframe = document.querySelector('iframe');
  const { fullUrl } = JSON.parse(sent.responseBody).redirectSession;
  assert.equal(iframe?.src, fullUrl);
  const { status } = await follow(fullUrl);
  assert.ok(status >= 200 && status < 400, `GET ${fullUrl} answered ${status}`);
});
