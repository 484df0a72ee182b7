// @wix/members `members.*` with the member's tokens, through Wix's own client
// (createClient({modules: {members}, auth: OAuthStrategy(...)})), against `make dev`.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { exchanges } from '../lib/backend.mjs';
import { login, memberTokensFor, newClient, registerMember } from '../lib/helpers.mjs';

let member;
before(async () => {
  member = await registerMember('members');
});

test('members.getCurrentMember', async () => {
  const { tokens } = await memberTokensFor(await login(member.email, member.password));
  const client = newClient(tokens);
  const start = exchanges.length;
  const { member: me } = await client.members.getCurrentMember();
  assert.equal(me.loginEmail, member.email);
  assert.equal(typeof me._id, 'string');
  assert.ok(me._id.length > 0);
  assert.equal(me.profile?.nickname, 'members');
  const [call] = exchanges.slice(start);
  assert.equal(call.method, 'GET');
  assert.equal(new URL(call.url).pathname, '/members/v1/members/my');
  assert.equal(call.requestHeaders.authorization, tokens.accessToken.value, 'the raw member access token');

  // The fieldsets form of the call answers the same member.
  const { member: full } = await client.members.getCurrentMember({ fieldsets: ['FULL'] });
  assert.equal(full._id, me._id);

  // A visitor has no current member.
  const visitor = newClient();
  visitor.auth.setTokens(await visitor.auth.generateVisitorTokens());
  await assert.rejects(visitor.members.getCurrentMember());
});
