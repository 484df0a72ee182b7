// Registration, login, verification and recovery (`wix.auth.*` over @wix/identity)
// against `make dev` with its default config (email verification required), through
// Wix's own client. `register` without verification is in register-noverify.test.mjs
// (run against a `make dev` with EMAIL_VERIFICATION=off).

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { exchanges } from '../lib/backend.mjs';
import {
  BASE_URL,
  REDIRECT_URI,
  currentMember,
  emailsTo,
  latestEmailTo,
  memberTokensFor,
  newClient,
  randomEmail,
  randomPassword,
  registerMember,
  verificationCode,
} from '../lib/helpers.mjs';

const requestTo = (start, path) => exchanges.slice(start).find((e) => new URL(e.target).pathname === path);

let member;
before(async () => {
  member = await registerMember('identity');
});

test('register (email verification required)', async () => {
  const email = randomEmail('register');
  const password = randomPassword();
  const { auth } = newClient();
  const start = exchanges.length;
  const registered = await auth.register({ email, password, profile: { firstName: 'Grace', nickname: 'grace' } });
  assert.equal(registered.loginState, 'EMAIL_VERIFICATION_REQUIRED', JSON.stringify(registered));
  assert.equal(typeof registered.data.stateToken, 'string');
  const sent = requestTo(start, '/_api/iam/authentication/v2/register');
  assert.equal(sent.status, 200);
  assert.deepEqual(JSON.parse(sent.requestBody).loginId, { email });

  const verified = await auth.processVerification({ verificationCode: await verificationCode(email) });
  assert.equal(verified.loginState, 'SUCCESS', JSON.stringify(verified));
  assert.match(verified.data.sessionToken, /^JWS\./);
  const me = await currentMember((await memberTokensFor(verified.data.sessionToken)).tokens);
  assert.equal(me.loginEmail, email);

  // A malformed email is a validation error the client reports as invalidEmail.
  const bad = await newClient().auth.register({ email: 'not-an-email', password });
  assert.equal(bad.loginState, 'FAILURE');
  assert.equal(bad.errorCode, 'invalidEmail', JSON.stringify(bad));
});

test('processVerification', async () => {
  const email = randomEmail('verify');
  const { auth } = newClient();
  const registered = await auth.register({ email, password: randomPassword() });
  assert.equal(registered.loginState, 'EMAIL_VERIFICATION_REQUIRED', JSON.stringify(registered));
  const code = await verificationCode(email);
  const wrong = code === '000000' ? '111111' : '000000';
  await assert.rejects(auth.processVerification({ verificationCode: wrong }), 'a wrong code is refused');

  // The explicit-state form, from another client instance (e.g. after a page reload).
  const start = exchanges.length;
  const verified = await newClient().auth.processVerification({ code }, registered);
  assert.equal(verified.loginState, 'SUCCESS', JSON.stringify(verified));
  assert.match(verified.data.sessionToken, /^JWS\./);
  assert.deepEqual(JSON.parse(requestTo(start, '/_api/iam/verification/v1/auth/verify').requestBody), {
    code,
    stateToken: registered.data.stateToken,
  });
  // The code and its state token work once.
  await assert.rejects(auth.processVerification({ code }), 'a used code is refused');
  const me = await currentMember((await memberTokensFor(verified.data.sessionToken)).tokens);
  assert.equal(me.loginEmail, email);
});

test('login', async () => {
  const { auth } = newClient();
  const ok = await auth.login({ email: member.email, password: member.password });
  assert.equal(ok.loginState, 'SUCCESS', JSON.stringify(ok));
  assert.match(ok.data.sessionToken, /^JWS\./);
  const me = await currentMember((await memberTokensFor(ok.data.sessionToken)).tokens);
  assert.equal(me.loginEmail, member.email);

  const wrong = await auth.login({ email: member.email, password: `${member.password}x` });
  assert.equal(wrong.loginState, 'FAILURE');
  assert.equal(wrong.errorCode, 'invalidPassword', JSON.stringify(wrong));
  // An unknown email gets the same answer.
  const unknown = await auth.login({ email: randomEmail('nobody'), password: member.password });
  assert.equal(unknown.loginState, 'FAILURE');
  assert.equal(unknown.errorCode, 'invalidPassword', JSON.stringify(unknown));
});

test('sendPasswordResetEmail', async () => {
  const { email, password } = await registerMember('recovery');
  const { auth } = newClient();
  const before = (await emailsTo(email)).length;
  const start = exchanges.length;
  assert.equal(await auth.sendPasswordResetEmail(email, REDIRECT_URI), undefined);
  const sent = JSON.parse(requestTo(start, '/_api/iam/recovery/v1/send-email').requestBody);
  assert.deepEqual(sent, { email, redirect: { url: REDIRECT_URI, clientId: 'local-client' } });

  const mail = await latestEmailTo(email, { after: before });
  const link = mail.body.text.match(/https?:\/\/\S+\/recovery\/reset-password\?token=[\w-]+/)?.[0];
  assert.ok(link?.startsWith(BASE_URL), `recovery link in: ${mail.body.text}`);
  // The member opens the link and submits the form, as in a browser.
  const page = await fetch(link, { redirect: 'manual' });
  assert.equal(page.status, 200);
  assert.match(await page.text(), /name="password"/);
  const newPassword = randomPassword();
  const submitted = await fetch(`${BASE_URL}/recovery/reset-password`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: new URL(link).searchParams.get('token'), password: newPassword }),
  });
  assert.ok([200, 302, 303].includes(submitted.status), `reset form answered ${submitted.status}`);
  if (submitted.status !== 200) assert.equal(submitted.headers.get('location'), REDIRECT_URI);

  assert.equal((await auth.login({ email, password })).errorCode, 'invalidPassword', 'the old password is gone');
  assert.equal((await auth.login({ email, password: newPassword })).loginState, 'SUCCESS');
  // An unknown email: the same (empty) answer, and no email.
  const nobody = randomEmail('nobody');
  assert.equal(await auth.sendPasswordResetEmail(nobody, REDIRECT_URI), undefined);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  assert.equal((await emailsTo(nobody)).length, 0);
});
