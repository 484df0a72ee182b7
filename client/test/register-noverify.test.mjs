// `register` when the site does not ask for email verification: needs a `make dev`
// started with EMAIL_VERIFICATION=off (make client-test starts one on
// CLIENT_NOVERIFY_PORT and points BASE_URL at it). Run alone: npm run test:noverify.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exchanges } from '../lib/backend.mjs';
import { currentMember, emailsTo, memberTokensFor, newClient, randomEmail, randomPassword } from '../lib/helpers.mjs';

test('register (email verification off)', async () => {
  const email = randomEmail('noverify');
  const password = randomPassword();
  const { auth } = newClient();
  const start = exchanges.length;
  const registered = await auth.register({ email, password, profile: { nickname: 'noverify' } });
  assert.equal(
    registered.loginState,
    'SUCCESS',
    `${JSON.stringify(registered)} (is this make dev running with EMAIL_VERIFICATION=off?)`,
  );
  assert.match(registered.data.sessionToken, /^JWS\./);
  assert.ok(exchanges.slice(start).every((e) => e.status === 200));
  // No code to enter, so none is mailed.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  assert.equal((await emailsTo(email)).filter((m) => /verification code/.test(m.subject)).length, 0);

  const { tokens } = await memberTokensFor(registered.data.sessionToken);
  assert.equal((await currentMember(tokens)).loginEmail, email);
  // The member signs in at once.
  const again = await newClient().auth.login({ email, password });
  assert.equal(again.loginState, 'SUCCESS', JSON.stringify(again));
});
