// @wix/members `members.*` through Wix's own client against `make dev`: the member's
// own account with its tokens (OAuthStrategy), the owner's management from a site's
// backend (ApiKeyStrategy with the site API key).

import { randomBytes } from 'node:crypto';
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKeyStrategy, createClient } from '@wix/sdk';
import { recovery } from '@wix/identity';
import { members } from '@wix/members';
import { exchanges } from '../lib/backend.mjs';
import {
  login,
  memberTokensFor,
  newClient,
  randomEmail,
  randomPassword,
  recoveryToken,
  registerMember,
  siteApiKey,
  visitorClient,
  wrongApiKey,
} from '../lib/helpers.mjs';

const ownerClient = (apiKey = siteApiKey()) =>
  createClient({ modules: { members, recovery }, auth: ApiKeyStrategy({ apiKey }) });

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

/** A client signed in as a fresh member, and that member. */
async function signedIn(prefix) {
  const someone = await registerMember(prefix);
  const { tokens } = await memberTokensFor(await login(someone.email, someone.password));
  const client = newClient(tokens);
  const { member: me } = await client.members.getCurrentMember();
  return { client, me };
}

const lastCall = (start) => {
  const calls = exchanges.slice(start);
  assert.equal(calls.length, 1, calls.map((c) => c.url).join(', '));
  return `${calls[0].method} ${new URL(calls[0].url).pathname}`;
};

test('members.updateMember', async () => {
  const { client, me } = await signedIn('update-member');
  const start = exchanges.length;
  const updated = await client.members.updateMember(me._id, {
    contact: { firstName: 'Ada', lastName: 'Lovelace', phones: ['+44 20 7946 0000'] },
    profile: { nickname: 'Countess' },
  });
  assert.equal(lastCall(start), `PATCH /members/v1/members/${me._id}`);
  assert.equal(updated._id, me._id);
  assert.equal(updated.contact.firstName, 'Ada');
  assert.deepEqual(updated.contact.phones, ['+44 20 7946 0000']);
  assert.equal(updated.profile.nickname, 'Countess');
  assert.equal(updated.profile.slug, me.profile.slug, 'the slug is not changed here');
  const { member: again } = await client.members.getCurrentMember();
  assert.equal(again.contact.lastName, 'Lovelace');

  const other = await signedIn('update-other');
  await assert.rejects(client.members.updateMember(other.me._id, { profile: { nickname: 'x' } }), 'another member');
});

test('members.joinCommunity and members.leaveCommunity', async () => {
  const { client } = await signedIn('community');
  let start = exchanges.length;
  const { member: joined } = await client.members.joinCommunity();
  assert.equal(lastCall(start), 'POST /members/v1/members/join-community');
  assert.equal(joined.privacyStatus, 'PUBLIC');
  start = exchanges.length;
  const { member: left } = await client.members.leaveCommunity();
  assert.equal(lastCall(start), 'POST /members/v1/members/leave-community');
  assert.equal(left.privacyStatus, 'PRIVATE');
  const visitor = newClient();
  visitor.auth.setTokens(await visitor.auth.generateVisitorTokens());
  await assert.rejects(visitor.members.joinCommunity());
});

test('members.deleteMemberPhones, deleteMemberEmails, deleteMemberAddresses', async () => {
  const { client, me } = await signedIn('contact-lists');
  await client.members.updateMember(me._id, {
    contact: { phones: ['+1 555 0100'], emails: ['second@example.com'], addresses: [{ city: 'Paris' }], firstName: 'Kept' },
  });
  for (const [method, list] of [
    ['deleteMemberPhones', 'phones'],
    ['deleteMemberEmails', 'emails'],
    ['deleteMemberAddresses', 'addresses'],
  ]) {
    const start = exchanges.length;
    const { member: after } = await client.members[method](me._id);
    assert.equal(lastCall(start), `DELETE /members/v1/members/${me._id}/${list}`);
    assert.deepEqual(after.contact[list] ?? [], [], method);
    assert.equal(after.contact.firstName, 'Kept');
  }
});

test('members.updateCurrentMemberSlug', async () => {
  const { client, me } = await signedIn('slug');
  const slug = `moved-${me._id.slice(0, 8)}`;
  assert.notEqual(slug, me.profile.slug);
  const start = exchanges.length;
  const { member: moved } = await client.members.updateCurrentMemberSlug(slug);
  assert.equal(lastCall(start), 'POST /members/v1/members/my/slug');
  assert.equal(moved.profile.slug, slug);
  assert.equal((await client.members.getCurrentMember()).member.profile.slug, slug);
  // Another member cannot take it; the old slug is free for anyone.
  const other = await signedIn('slug-other');
  await assert.rejects(other.client.members.updateCurrentMemberSlug(slug), (err) => {
    assert.match(JSON.stringify(err.details ?? err.message), /SLUG_ALREADY_EXISTS/);
    return true;
  });
  const { member: reused } = await other.client.members.updateCurrentMemberSlug(me.profile.slug);
  assert.equal(reused.profile.slug, me.profile.slug);
});

test('members.deleteMyMember', async () => {
  const someone = await registerMember('erase-me');
  const { tokens } = await memberTokensFor(await login(someone.email, someone.password));
  const client = newClient(tokens);
  const start = exchanges.length;
  await client.members.deleteMyMember();
  assert.equal(lastCall(start), 'DELETE /members/v1/members/my');
  // Every token stops at once; the email registers again.
  await assert.rejects(client.members.getCurrentMember());
  await assert.rejects(newClient().auth.renewToken(tokens.refreshToken));
  const again = await newClient().auth.register({ email: someone.email, password: someone.password });
  assert.equal(again.loginState, 'EMAIL_VERIFICATION_REQUIRED');
});

test('members.approveMember, blockMember, updateMemberSlug, deleteMember (owner, ApiKeyStrategy)', async () => {
  const { client, me } = await signedIn('owner-managed');
  const owner = ownerClient();
  await assert.rejects(ownerClient(wrongApiKey()).members.blockMember(me._id), 'a wrong key');
  await assert.rejects(client.members.blockMember(me._id), 'a member is no owner');

  let start = exchanges.length;
  const { member: blocked } = await owner.members.blockMember(me._id);
  assert.equal(lastCall(start), `POST /members/v1/members/${me._id}/block`);
  assert.equal(exchanges[start].requestHeaders.authorization, siteApiKey());
  assert.equal(blocked.status, 'BLOCKED');
  await assert.rejects(client.members.getCurrentMember(), 'a block ends the tokens at once');

  start = exchanges.length;
  const { member: approved } = await owner.members.approveMember(me._id);
  assert.equal(lastCall(start), `POST /members/v1/members/${me._id}/approve`);
  assert.equal(approved.status, 'APPROVED');

  const slug = `owned-${me._id.slice(0, 8)}`;
  start = exchanges.length;
  const { member: moved } = await owner.members.updateMemberSlug(me._id, slug);
  assert.equal(lastCall(start), `POST /members/v1/members/${me._id}/slug`);
  assert.equal(moved.profile.slug, slug);

  start = exchanges.length;
  await owner.members.deleteMember(me._id);
  assert.equal(lastCall(start), `DELETE /members/v1/members/${me._id}`);
  await assert.rejects(owner.members.deleteMember(me._id), 'gone');
});

test('members.queryMembers, getMember, listMembers (the owner sees all; others the public directory)', async () => {
  const prefix = `dir${randomBytes(4).toString('hex')}`;
  const ada = await signedIn(`${prefix}-ada`);
  const bob = await signedIn(`${prefix}-bob`);
  await ada.client.members.joinCommunity();
  const owner = ownerClient();
  const names = (result) => result.items.map((m) => m.profile.nickname);

  let start = exchanges.length;
  const all = await owner.members
    .queryMembers({ fieldsets: ['FULL'] })
    .startsWith('profile.nickname', prefix)
    .ascending('profile.nickname')
    .find();
  assert.equal(lastCall(start), 'POST /members/v1/members/query');
  assert.deepEqual(names(all), [`${prefix}-ada`, `${prefix}-bob`]);
  assert.equal(all.totalCount, 2);
  assert.equal(all.items[1].loginEmail, bob.me.loginEmail, 'the owner sees FULL');

  // The client's own paging: one a page, hasNext() from the total, next() by offset.
  const first = await owner.members.queryMembers().startsWith('profile.nickname', prefix).limit(1).find();
  assert.deepEqual(names(first), [`${prefix}-ada`]);
  assert.ok(first.hasNext());
  const second = await first.next();
  assert.deepEqual(names(second), [`${prefix}-bob`]);
  assert.ok(!second.hasNext());

  const byId = await owner.members.queryMembers().eq('_id', bob.me._id).find();
  assert.deepEqual(names(byId), [`${prefix}-bob`]);
  const pending = await owner.members.queryMembers().eq('status', 'PENDING').startsWith('profile.nickname', prefix).find();
  assert.deepEqual(names(pending), []);
  await assert.rejects(
    owner.members.queryMembers().eq('contact.company', 'x').find(),
    (err) => JSON.stringify(err).includes('contact.company'),
    'a filter no index answers is refused by name',
  );

  // A visitor (and another member) sees the members who joined the community, and
  // only their public fields.
  const visitor = await visitorClient();
  const seen = await visitor.members.queryMembers({ fieldsets: ['FULL'] }).startsWith('profile.nickname', prefix).find();
  assert.deepEqual(names(seen), [`${prefix}-ada`]);
  assert.equal(seen.items[0].loginEmail, undefined);
  const seenByBob = await bob.client.members.queryMembers().startsWith('profile.nickname', prefix).find();
  assert.deepEqual(names(seenByBob), [`${prefix}-ada`]);

  start = exchanges.length;
  const got = await visitor.members.getMember(ada.me._id, { fieldsets: ['FULL'] });
  assert.equal(lastCall(start), `GET /members/v1/members/${ada.me._id}`);
  assert.equal(got.profile.nickname, `${prefix}-ada`);
  assert.equal(got.loginEmail, undefined, 'PUBLIC fields only');
  await assert.rejects(visitor.members.getMember(bob.me._id), 'a private member is not found');
  const mine = await bob.client.members.getMember(bob.me._id, { fieldsets: ['FULL'] });
  assert.equal(mine.loginEmail, bob.me.loginEmail, 'a member sees itself in full');
  const byOwner = await owner.members.getMember(bob.me._id, { fieldsets: ['FULL'] });
  assert.equal(byOwner.loginEmail, bob.me.loginEmail);

  start = exchanges.length;
  const listed = await owner.members.listMembers({
    paging: { limit: 2 },
    sorting: [{ fieldName: 'createdDate', order: 'DESC' }],
    fieldsets: ['FULL'],
  });
  const [call] = exchanges.slice(start);
  assert.equal(new URL(call.url).pathname, '/members/v1/members');
  assert.ok(new URL(call.url).searchParams.get('.r'), 'the request as base64url JSON in .r');
  assert.equal(listed.members.length, 2);
  assert.ok(listed.metadata.total >= 2);
  const created = listed.members.map((m) => new Date(m._createdDate).getTime());
  assert.ok(created.every((t) => t > 0), 'the client reads _createdDate');
  assert.ok(created[0] >= created[1], 'newest first');
  const listedByVisitor = await visitor.members.listMembers({ paging: { limit: 100 } });
  assert.ok(listedByVisitor.members.every((m) => m.loginEmail === undefined));
});

test('members.createMember, muteMember, unmuteMember, disconnectMember; recovery.sendActivationEmail (owner)', async () => {
  const owner = ownerClient();
  const email = randomEmail('created');
  let start = exchanges.length;
  const created = await owner.members.createMember({ member: { loginEmail: email, profile: { nickname: 'created' } } });
  assert.equal(lastCall(start), 'POST /members/v1/members');
  assert.equal(created.status, 'APPROVED');
  assert.equal(created.loginEmail, email);
  await assert.rejects(ownerClient(wrongApiKey()).members.createMember({ member: { loginEmail: randomEmail('nope') } }));

  start = exchanges.length;
  await owner.recovery.sendActivationEmail(created._id);
  assert.equal(lastCall(start), 'POST /_api/iam/recovery/v1/activation-email');
  const password = randomPassword();
  await newClient().recovery.recover(await recoveryToken(email), { password });
  await login(email, password);

  start = exchanges.length;
  const { member: muted } = await owner.members.muteMember(created._id);
  assert.equal(lastCall(start), `POST /members/v1/members/${created._id}/mute`);
  assert.equal(muted.activityStatus, 'MUTED');
  const { member: unmuted } = await owner.members.unmuteMember(created._id);
  assert.equal(unmuted.activityStatus, 'ACTIVE');

  start = exchanges.length;
  const { member: offline } = await owner.members.disconnectMember(created._id);
  assert.equal(lastCall(start), `POST /members/v1/members/${created._id}/disconnect`);
  assert.equal(offline.status, 'OFFLINE');
  const refused = await newClient().auth.login({ email, password });
  assert.equal(refused.loginState, 'FAILURE', 'a disconnected member cannot sign in');
});

test('members.bulkDeleteMembers, bulkApproveMembers, bulkBlockMembers, bulkDeleteMembersByFilter (owner)', async () => {
  const owner = ownerClient();
  const a = await signedIn('bulk-a');
  const b = await signedIn('bulk-b');
  const c = await signedIn('bulk-c');

  let start = exchanges.length;
  const deleted = await owner.members.bulkDeleteMembers([a.me._id, b.me._id]);
  assert.equal(lastCall(start), 'POST /members/v1/members/bulk/delete');
  assert.deepEqual(deleted.results.map((r) => [r.itemMetadata._id, r.itemMetadata.success]), [[a.me._id, true], [b.me._id, true]]);
  assert.equal(deleted.bulkActionMetadata.totalSuccesses, 2);
  await assert.rejects(owner.members.getMember(a.me._id), 'erased');

  // The filter jobs, on this test's member only.
  const onlyC = { _id: { $in: [c.me._id] } };
  start = exchanges.length;
  const blocked = await owner.members.bulkBlockMembers(onlyC);
  assert.equal(lastCall(start), 'POST /members/v1/members/bulk/block-by-filter');
  assert.ok(blocked.jobId);
  assert.equal((await owner.members.getMember(c.me._id, { fieldsets: ['FULL'] })).status, 'BLOCKED');
  await assert.rejects(c.client.members.getCurrentMember(), 'blocked: its tokens died');

  start = exchanges.length;
  const approved = await owner.members.bulkApproveMembers(onlyC);
  assert.equal(lastCall(start), 'POST /members/v1/members/bulk/approve-by-filter');
  assert.ok(approved.jobId);
  assert.equal((await owner.members.getMember(c.me._id, { fieldsets: ['FULL'] })).status, 'APPROVED');

  start = exchanges.length;
  const erased = await owner.members.bulkDeleteMembersByFilter(onlyC);
  assert.equal(lastCall(start), 'POST /members/v1/members/bulk/delete-by-filter');
  assert.ok(erased.jobId);
  await assert.rejects(owner.members.getMember(c.me._id), 'erased by the job');
});
