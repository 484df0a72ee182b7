// The @wix/members `authentication` module (the client-library form of the Velo web
// methods), through Wix's own client, against `make dev`: `register` and `login` from a
// site's page (OAuthStrategy), the privileged methods from a site's backend
// (ApiKeyStrategy with the site API key of `make dev`).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKeyStrategy, createClient } from '@wix/sdk';
import { authentication } from '@wix/members';
import { exchanges } from '../lib/backend.mjs';
import { latestEmailTo, randomEmail, randomPassword, siteApiKey, visitorClient, wrongApiKey } from '../lib/helpers.mjs';

async function siteClient() {
  const visitor = await visitorClient();
  return createClient({ modules: { authentication }, auth: visitor.auth });
}

/** A site backend's client: ApiKeyStrategy, which sends the key raw in `Authorization`. */
const backendClient = (apiKey = siteApiKey()) =>
  createClient({ modules: { authentication }, auth: ApiKeyStrategy({ apiKey }) });

/** The one request the client sent since `start`. */
function sentSince(start) {
  const sent = exchanges.slice(start);
  assert.equal(sent.length, 1, `one request: ${sent.map((e) => e.url).join(', ')}`);
  return sent[0];
}

test('authentication.register (members module)', async () => {
  const client = await siteClient();
  const email = randomEmail('site-register');
  const start = exchanges.length;
  const answer = await client.authentication.register(email, randomPassword(), {
    contactInfo: { firstName: 'Ada', lastName: 'Lovelace' },
    profilePrivacyStatus: 'PUBLIC',
  });
  const [call] = exchanges.slice(start);
  assert.equal(new URL(call.url).pathname, '/wix-sm/api/v1/auth/api/v1/auth/register');
  assert.equal(answer.member.loginEmail, email);
  assert.equal(answer.member.firstName, 'Ada');
  assert.equal(answer.member.status, 'ACTIVE');
  assert.equal(answer.member.profilePrivacyStatus, 'PUBLIC');
  assert.equal(typeof answer.member._id, 'string');
  assert.match(answer.session.token, /^JWS\./);
  await assert.rejects(client.authentication.register(email, randomPassword()), 'a taken email');
});

test('authentication.login (members module)', async () => {
  const client = await siteClient();
  const email = randomEmail('site-login');
  const password = randomPassword();
  const { member } = await client.authentication.register(email, password);
  const start = exchanges.length;
  const answer = await client.authentication.login(email, password);
  const [call] = exchanges.slice(start);
  assert.equal(new URL(call.url).pathname, '/wix-sm/api/v1/auth/api/v1/auth/login');
  assert.equal(answer.member._id, member._id);
  assert.match(answer.session.token, /^JWS\./);
  await assert.rejects(client.authentication.login(email, `${password}-wrong`));
});

test('authentication.block and authentication.approve (members module)', async () => {
  const site = await siteClient();
  const email = randomEmail('site-block');
  const password = randomPassword();
  const { member } = await site.authentication.register(email, password);
  const backend = backendClient();

  await assert.rejects(backendClient(wrongApiKey()).authentication.block({ _id: member._id }), 'a wrong key');
  await assert.rejects(site.authentication.block({ _id: member._id }), 'a visitor');
  await site.authentication.login(email, password);

  let start = exchanges.length;
  await backend.authentication.block({ _id: member._id });
  let call = sentSince(start);
  assert.equal(`${call.method} ${new URL(call.url).pathname}`, 'POST /api/v1/members/block');
  assert.equal(call.requestHeaders.authorization, siteApiKey());
  assert.deepEqual(JSON.parse(call.requestBody), { id: member._id });
  await assert.rejects(site.authentication.login(email, password), 'a blocked member');

  start = exchanges.length;
  const { session } = await backend.authentication.approve({ email });
  call = sentSince(start);
  assert.equal(`${call.method} ${new URL(call.url).pathname}`, 'POST /api/v1/members/approve');
  assert.match(session.token, /^JWS\./);
  assert.equal((await site.authentication.login(email, password)).member._id, member._id);

  await backend.authentication.block({ email });
  await assert.rejects(site.authentication.login(email, password));
  await backend.authentication.approve({ _id: member._id });
  await site.authentication.login(email, password);
});

test('authentication.sendSetPasswordEmail (members module)', async () => {
  const site = await siteClient();
  const email = randomEmail('site-set-password');
  await site.authentication.register(email, randomPassword());
  await assert.rejects(site.authentication.sendSetPasswordEmail(email), 'a visitor');

  const start = exchanges.length;
  const answer = await backendClient().authentication.sendSetPasswordEmail(email, { hideIgnoreMessage: true });
  const call = sentSince(start);
  assert.equal(new URL(call.url).pathname, '/wix-sm/api/v1/auth/v1/auth/members/send-set-password-email');
  assert.deepEqual(answer, { accepted: true });
  const mail = await latestEmailTo(email);
  assert.match(mail.subject, /set your password/);
  assert.match(mail.body.text, /\/recovery\/reset-password\?token=/);
  assert.doesNotMatch(mail.body.text, /If you did not ask for it/, 'hideIgnoreMessage');
  await assert.rejects(backendClient().authentication.sendSetPasswordEmail(randomEmail('nobody')), 'no such member');
});

test('authentication.changeLoginEmail (members module)', async () => {
  const site = await siteClient();
  const email = randomEmail('site-change-email');
  const password = randomPassword();
  const { member } = await site.authentication.register(email, password);
  const newEmail = randomEmail('site-changed-email');
  await assert.rejects(site.authentication.changeLoginEmail(member._id, newEmail), 'a visitor');

  const start = exchanges.length;
  const answer = await backendClient().authentication.changeLoginEmail(member._id, newEmail);
  const call = sentSince(start);
  assert.equal(`${call.method} ${new URL(call.url).pathname}`, `PATCH /api/v1/members/${member._id}/change-login-email`);
  assert.equal(answer.member._id, member._id);
  assert.equal(answer.member.loginEmail, newEmail);
  assert.equal((await site.authentication.login(newEmail, password)).member._id, member._id);
  await assert.rejects(site.authentication.login(email, password), 'the old email');
});
