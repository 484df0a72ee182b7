// External login with the site API key of `make dev` (`.tools/dev.env`, API_KEYS), through
// Wix's own client: OAuthStrategy's `getMemberTokensForExternalLoginWithSession` (sign-on,
// then the authorized_client grant) and `getMemberTokensForExternalLogin` (the grant with a
// member id alone), and `authentication.signOn` of a client built with ApiKeyStrategy.
// Blocking a member is setup through the Velo privileged route (blockByEmail).

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { ApiKeyStrategy, createClient } from '@wix/sdk';
import { authentication } from '@wix/identity';
import { exchanges } from '../lib/backend.mjs';
import {
  assertTokens,
  blockByEmail,
  currentMember,
  memberTokensFor,
  newClient,
  randomEmail,
  registerMember,
  siteApiKey,
  visitorClient,
  wrongApiKey,
} from '../lib/helpers.mjs';

const SIGN_ON = '/_api/iam/authentication/v2/sign-on';
const callsTo = (start, path) => exchanges.slice(start).filter((e) => new URL(e.target).pathname === path);
// The Wix error a module call throws, by its application error code.
const applicationError = (code) => (err) => err?.details?.applicationError?.code === code;
// What fetchTokens throws for an answer other than 200, with the body it got.
const tokensRefused = (code) => new RegExp(`Failed to fetch tokens from OAuth API.*"${code}"`);

let apiKey;
let member;
before(async () => {
  apiKey = siteApiKey();
  member = await registerMember('external');
  member.id = (await currentMember((await memberTokensFor(member.sessionToken)).tokens))._id;
});

test('getMemberTokensForExternalLoginWithSession', async () => {
  const email = randomEmail('external-new');
  const { auth } = newClient();
  const start = exchanges.length;
  const tokens = await auth.getMemberTokensForExternalLoginWithSession(email, apiKey);
  assertTokens(tokens, 'member');
  const me = await currentMember(tokens);
  assert.equal(me.loginEmail, email, 'a member is created for a new email');

  // What the client sent: sign-on, then the grant with the session token it got.
  const [signOn] = callsTo(start, SIGN_ON);
  assert.deepEqual(JSON.parse(signOn.requestBody).loginId, { email });
  assert.match(signOn.requestHeaders.authorization, new RegExp(`^[^,]+,${apiKey}$`), 'visitor token,API key');
  const { sessionToken } = JSON.parse(signOn.responseBody);
  const grant = JSON.parse(callsTo(start, '/oauth2/token').at(-1).requestBody);
  assert.deepEqual(grant, { grant_type: 'authorized_client', member_id: me._id, session_token: sessionToken });

  const renewed = await auth.renewToken(tokens.refreshToken);
  assertTokens(renewed, 'member');
  assert.equal((await currentMember(renewed)).loginEmail, email);

  // The same email again: the same member.
  const again = await newClient().auth.getMemberTokensForExternalLoginWithSession(email, apiKey);
  assert.equal((await currentMember(again))._id, me._id);

  await assert.rejects(
    newClient().auth.getMemberTokensForExternalLoginWithSession(randomEmail('external-nokey'), wrongApiKey()),
    applicationError('FORBIDDEN'),
  );

  // A blocked member gets no tokens.
  await blockByEmail(email);
  await assert.rejects(
    newClient().auth.getMemberTokensForExternalLoginWithSession(email, apiKey),
    applicationError('MEMBER_BLOCKED'),
  );
});

test('getMemberTokensForExternalLogin', async () => {
  // The client sends its visitor access token with the key: a site's page has one.
  const { auth } = await visitorClient();
  const start = exchanges.length;
  const tokens = await auth.getMemberTokensForExternalLogin(member.id, apiKey);
  assertTokens(tokens, 'member');
  const [call] = callsTo(start, '/oauth2/token');
  assert.deepEqual(JSON.parse(call.requestBody), {
    grant_type: 'authorized_client',
    scope: 'offline_access',
    member_id: member.id,
  });
  assert.equal(call.requestHeaders.authorization, `${auth.getTokens().accessToken.value},${apiKey}`);
  const me = await currentMember(tokens);
  assert.equal(me._id, member.id);
  assert.equal(me.loginEmail, member.email);

  await assert.rejects(auth.getMemberTokensForExternalLogin(member.id, wrongApiKey()), tokensRefused('FORBIDDEN'));
  await assert.rejects(auth.getMemberTokensForExternalLogin(randomUUID(), apiKey), tokensRefused('invalid_grant'));
});

// ApiKeyStrategy: @wix/identity `authentication.signOn` (the @wix/members
// `authentication` module's privileged methods are in members-auth.test.mjs).
test('ApiKeyStrategy authentication.signOn', async () => {
  const email = randomEmail('apikey');
  const admin = createClient({ modules: { authentication }, auth: ApiKeyStrategy({ apiKey }) });
  const start = exchanges.length;
  const { sessionToken, identity } = await admin.authentication.signOn({ email });
  const [sent] = callsTo(start, SIGN_ON);
  assert.equal(sent.requestHeaders.authorization, apiKey, 'the raw API key');
  assert.match(sessionToken, /^JWS\./);
  assert.equal(identity.email?.address, email);

  // The session token signs the new member in; a second sign-on finds the same member.
  const me = await currentMember((await memberTokensFor(sessionToken)).tokens);
  assert.equal(me._id, identity._id);
  assert.equal(me.loginEmail, email);
  assert.equal((await admin.authentication.signOn({ email })).identity._id, identity._id);

  const refused = createClient({ modules: { authentication }, auth: ApiKeyStrategy({ apiKey: wrongApiKey() }) });
  await assert.rejects(refused.authentication.signOn({ email: randomEmail('apikey-wrong') }), applicationError('FORBIDDEN'));
});
