// The @wix/members `authentication` module (the client-library form of the Velo web
// methods), through Wix's own client, against `make dev`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClient } from '@wix/sdk';
import { authentication } from '@wix/members';
import { exchanges } from '../lib/backend.mjs';
import { randomEmail, randomPassword, visitorClient } from '../lib/helpers.mjs';

async function siteClient() {
  const visitor = await visitorClient();
  return createClient({ modules: { authentication }, auth: visitor.auth });
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
