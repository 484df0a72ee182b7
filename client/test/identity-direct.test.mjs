// @wix/identity methods a site calls directly (`wix.authentication.*`, `wix.recovery.*`,
// `wix.verification.*` of a client created with OAuthStrategy), against `make dev` with
// its default config (email verification required), through Wix's own client.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { exchanges } from '../lib/backend.mjs';
import {
  CLIENT_ID,
  POST_LOGOUT_URL,
  REDIRECT_URI,
  currentMember,
  emailsTo,
  latestEmailTo,
  login,
  memberTokensFor,
  newClient,
  randomEmail,
  randomPassword,
  recoveryToken,
  registerMember,
  verificationCode,
} from '../lib/helpers.mjs';

const requestTo = (start, path) => exchanges.slice(start).find((e) => new URL(e.target).pathname === path);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
// The Wix error the client throws: its application error code, or a field violation
// (the client names the field by its argument: `password` of recover is `options.password`).
const applicationError = (code) => (err) => err?.details?.applicationError?.code === code;
const fieldViolation = (field) => (err) =>
  (err?.details?.validationError?.fieldViolations ?? []).some((v) => v.field === field);

let member;
before(async () => {
  member = await registerMember('direct');
});

test('authentication.validateEmail', async () => {
  const { authentication } = newClient();
  const start = exchanges.length;
  const unused = await authentication.validateEmail(randomEmail('unused'));
  assert.deepEqual(unused, { valid: true, formatInvalid: false });
  const sent = requestTo(start, '/_api/iam/authentication/v2/validate-email');
  assert.equal(sent?.method, 'POST');
  assert.equal(sent.status, 200);

  // A member's address gets the same answer as one nobody uses.
  const again = exchanges.length;
  const registered = await authentication.validateEmail(member.email);
  assert.deepEqual(registered, unused);
  const sentAgain = requestTo(again, '/_api/iam/authentication/v2/validate-email');
  assert.deepEqual(JSON.parse(sentAgain.requestBody), { email: member.email });
  assert.equal(sentAgain.responseBody, sent.responseBody, 'the same bytes');

  assert.deepEqual(await authentication.validateEmail('not-an-email'), { valid: false, formatInvalid: true });
});

test('recovery.recover', async () => {
  const { email, password } = await registerMember('recover');
  const { tokens: earlier } = await memberTokensFor(await login(email, password));
  const { auth, recovery } = newClient();
  const mailed = (await emailsTo(email)).length;
  await auth.sendPasswordResetEmail(email, REDIRECT_URI);
  const token = await recoveryToken(email, { after: mailed });

  // A password the policy refuses fails, and does not spend the token.
  await assert.rejects(recovery.recover(token, { password: 'abc' }), fieldViolation('options.password'));

  const newPassword = randomPassword();
  const start = exchanges.length;
  const recovered = await recovery.recover(token, { password: newPassword });
  assert.deepEqual(JSON.parse(requestTo(start, '/_api/iam/recovery/v1/recover').requestBody), {
    recoveryToken: token,
    password: newPassword,
  });
  assert.equal(recovered.state, 'SUCCESS', JSON.stringify(recovered));
  assert.match(recovered.sessionToken, /^JWS\./);
  assert.equal(recovered.identity?.email?.address, email.toLowerCase());
  assert.equal(typeof recovered.identity._id, 'string');
  // The session token signs the member in.
  const { tokens } = await memberTokensFor(recovered.sessionToken);
  assert.equal((await currentMember(tokens)).loginEmail, email);

  // The token works once.
  await assert.rejects(recovery.recover(token, { password: randomPassword() }), applicationError('invalid_grant'));
  assert.equal((await auth.login({ email, password })).errorCode, 'invalidPassword', 'the old password is gone');
  assert.equal((await auth.login({ email, password: newPassword })).loginState, 'SUCCESS');
  // Sessions from before the recovery are over.
  await assert.rejects(currentMember(earlier));
  await assert.rejects(auth.renewToken(earlier.refreshToken), /Failed to fetch tokens/);
});

test('verification.start', async () => {
  const email = randomEmail('resend');
  const client = newClient();
  let start = exchanges.length;
  const registered = await client.auth.register({ email, password: randomPassword() });
  assert.equal(registered.loginState, 'EMAIL_VERIFICATION_REQUIRED', JSON.stringify(registered));
  // `auth.register` hands the site only the state token; the identity the answer names
  // (REQUIRE_EMAIL_VERIFICATION carries it) is in the raw response.
  const { identity } = JSON.parse(requestTo(start, '/_api/iam/authentication/v2/register').responseBody);
  assert.equal(typeof identity?.id, 'string', 'REQUIRE_EMAIL_VERIFICATION names its identity');
  assert.equal(identity.email?.address, email.toLowerCase());
  const firstCode = await verificationCode(email);

  start = exchanges.length;
  const started = await client.verification.start({ identityId: identity.id, target: 'EMAIL' });
  assert.equal(typeof started.verificationId, 'string', JSON.stringify(started));
  const sent = requestTo(start, '/_api/iam/verification/v1/start');
  assert.deepEqual(JSON.parse(sent.requestBody), { identityId: identity.id, target: 'EMAIL' });
  const secondCode = await verificationCode(email, { after: 1 });
  assert.equal((await emailsTo(email)).length, 2, 'one more email');

  // The new code replaces the first one, under the same state token.
  if (secondCode !== firstCode) {
    await assert.rejects(client.auth.processVerification({ verificationCode: firstCode }, registered));
  }
  const verified = await client.auth.processVerification({ verificationCode: secondCode }, registered);
  assert.equal(verified.loginState, 'SUCCESS', JSON.stringify(verified));
  const { tokens } = await memberTokensFor(verified.data.sessionToken);
  assert.equal((await currentMember(tokens)).loginEmail, email);

  // Nobody, or a member with nothing to verify: the same shape, a new id, no email.
  const nobody = await client.verification.start({ identityId: randomUUID(), target: 'EMAIL' });
  assert.deepEqual(Object.keys(nobody), ['verificationId']);
  assert.equal(typeof nobody.verificationId, 'string');
  assert.notEqual(nobody.verificationId, started.verificationId);
  const done = await client.verification.start({ identityId: identity.id, target: 'EMAIL' });
  assert.deepEqual(Object.keys(done), ['verificationId']);
  await sleep(1000);
  assert.equal((await emailsTo(email)).length, 2, 'no code for a verified member');
});

test('authentication.logout', async () => {
  const { tokens } = await memberTokensFor(await login(member.email, member.password));
  const client = newClient(tokens);
  const start = exchanges.length;
  const answer = await client.authentication.logout({ postLogoutRedirectUri: POST_LOGOUT_URL, clientId: CLIENT_ID });
  const sent = requestTo(start, '/_api/iam/authentication/v1/logout');
  assert.equal(sent?.method, 'GET');
  assert.equal(sent.requestHeaders.authorization, tokens.accessToken.value, 'the member access token');
  const query = new URL(sent.url).searchParams;
  assert.equal(query.get('postLogoutRedirectUri'), POST_LOGOUT_URL);
  assert.equal(query.get('clientId'), CLIENT_ID);
  assert.deepEqual(answer.headers, [{ key: 'Location', value: POST_LOGOUT_URL }], JSON.stringify(answer));
  assert.equal(answer.body?.length, 0, 'an empty body');

  // That session is over.
  await assert.rejects(currentMember(tokens));
  await assert.rejects(client.auth.renewToken(tokens.refreshToken), /Failed to fetch tokens/);

  // A place to go that the client does not allow is refused.
  const { tokens: fresh } = await memberTokensFor(await login(member.email, member.password));
  const refused = exchanges.length;
  await assert.rejects(
    newClient(fresh).authentication.logout({ postLogoutRedirectUri: 'https://evil.example/', clientId: CLIENT_ID }),
    applicationError('invalid_request'),
  );
  assert.equal(requestTo(refused, '/_api/iam/authentication/v1/logout')?.status, 400);
});

test('authentication.changePassword', async () => {
  const { email, password } = await registerMember('change');
  const { tokens: earlier } = await memberTokensFor(await login(email, password));
  const { tokens } = await memberTokensFor(await login(email, password));
  const client = newClient(tokens);

  // A password the policy refuses fails.
  await assert.rejects(client.authentication.changePassword('abc'), fieldViolation('newPassword'));

  const mailed = (await emailsTo(email)).length;
  const newPassword = randomPassword();
  const start = exchanges.length;
  await client.authentication.changePassword(newPassword);
  const sent = requestTo(start, '/_api/iam/authentication/v2/change-password');
  assert.equal(sent?.status, 200);
  assert.deepEqual(JSON.parse(sent.requestBody), { newPassword });
  assert.equal(sent.requestHeaders.authorization, tokens.accessToken.value, 'the member access token');

  // This session goes on; the member's other sessions are over.
  assert.equal((await client.members.getCurrentMember()).member.loginEmail, email);
  assert.equal((await currentMember(await client.auth.renewToken(tokens.refreshToken))).loginEmail, email);
  await assert.rejects(currentMember(earlier));
  await assert.rejects(client.auth.renewToken(earlier.refreshToken), /Failed to fetch tokens/);

  assert.equal((await newClient().auth.login({ email, password })).errorCode, 'invalidPassword', 'the old password is gone');
  assert.equal((await newClient().auth.login({ email, password: newPassword })).loginState, 'SUCCESS');
  const notice = await latestEmailTo(email, { after: mailed });
  assert.match(notice.subject, /password was changed/);
});
