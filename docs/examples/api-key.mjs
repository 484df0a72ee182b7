// The owner's calls from a site's backend with the site API key: Wix's own client with
// ApiKeyStrategy (it sends `Authorization: <key>`), as on Wix. These routes are public
// at the gateway and the function checks the key (API_KEYS, or apiKeys in the secret).
//   npm install --save-exact @wix/sdk @wix/members
//
//   API=https://abc123.execute-api.us-east-1.amazonaws.com SITE_API_KEY=... \
//   node api-key.mjs ann@example.com

import { ApiKeyStrategy, createClient } from '@wix/sdk';
import { members } from '@wix/members';

const api = process.env.API.replace(/\/+$/, '');

const owner = createClient({
  modules: { members },
  auth: ApiKeyStrategy({ apiKey: process.env.SITE_API_KEY }),
  // The client calls https://www.wixapis.com/...: send those calls to this API instead.
  fetch: (url, init) => fetch(String(url).replace(/^https:\/\/[^/]*\.wixapis\.com/, api), init),
});

// The member with this login email (the site sees every member, FULL), then, say,
// owner.members.approveMember(id), blockMember(id), deleteMember(id).
const email = process.argv[2];
const { items } = await owner.members.queryMembers({ fieldsets: ['FULL'] }).eq('loginEmail', email).find();
if (items.length === 0) throw new Error(`no member has the login email ${email}`);
const [{ _id: id, status, profile }] = items;
console.log(JSON.stringify({ id, status, nickname: profile?.nickname }));
