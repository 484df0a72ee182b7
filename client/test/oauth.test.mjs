// OAuthStrategy token handling (`wix.auth.*`) against `make dev`, through Wix's own client.
// One test per client method; every call under test is the client's own.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { exchanges } from '../lib/backend.mjs';
import {
  BASE_URL,
  POST_LOGOUT_URL,
  REDIRECT_URI,
  assertTokens,
  authorizationCode,
  currentMember,
  login,
  follow,
  memberTokensFor,
  newClient,
  registerMember,
} from '../lib/helpers.mjs';

const tokenCallsSince = (start) => exchanges.slice(start).filter((e) => new URL(e.target).pathname === '/oauth2/token');

let member;
before(async () => {
  member = await registerMember('oauth');
});

test('generateVisitorTokens', async () => {
  const { auth } = newClient();
  const start = exchanges.length;
  const tokens = await auth.generateVisitorTokens();
  assertTokens(tokens, 'visitor');
  const [call] = tokenCallsSince(start);
  assert.equal(call.method, 'POST');
  assert.deepEqual(JSON.parse(call.requestBody), { clientId: 'local-client', grantType: 'anonymous' });
  // Two visitors are two identities.
  const other = await auth.generateVisitorTokens();
  assert.notEqual(other.refreshToken.value, tokens.refreshToken.value);
  // A visitor is no member.
  await assert.rejects(currentMember(tokens));
});

test('renewToken', async () => {
  const { auth } = newClient();
  const visitor = await auth.generateVisitorTokens();
  const renewedVisitor = await auth.renewToken(visitor.refreshToken);
  assertTokens(renewedVisitor, 'visitor');
  assert.deepEqual(renewedVisitor.refreshToken, visitor.refreshToken, 'the client keeps its refresh token');

  const { tokens } = await memberTokensFor(await login(member.email, member.password));
  const renewed = await auth.renewToken(tokens.refreshToken);
  assertTokens(renewed, 'member');
  assert.equal((await currentMember(renewed)).loginEmail, member.email);
  // The client keeps using the same refresh token after a refresh: it must stay valid.
  const again = await auth.renewToken(tokens.refreshToken);
  assert.equal((await currentMember(again)).loginEmail, member.email);

  await assert.rejects(
    auth.renewToken({ value: 'not-a-refresh-token', role: 'member' }),
    /Failed to fetch tokens from OAuth API/,
  );
});

test('getAuthHeaders', async () => {
  // No tokens yet: the client gets visitor tokens and sends the raw access token.
  const { auth } = newClient();
  let start = exchanges.length;
  const { headers } = await auth.getAuthHeaders();
  assert.equal(tokenCallsSince(start).length, 1, 'one visitor token request');
  assert.equal(headers.Authorization, auth.getTokens().accessToken.value);
  assert.ok(!headers.Authorization.startsWith('Bearer '), 'raw token, no Bearer');
  assert.equal(auth.getTokens().refreshToken.role, 'visitor');

  // Member tokens that are still valid: sent as they are, no token request.
  const { tokens } = await memberTokensFor(await login(member.email, member.password));
  const memberAuth = newClient(tokens).auth;
  start = exchanges.length;
  assert.equal((await memberAuth.getAuthHeaders()).headers.Authorization, tokens.accessToken.value);
  assert.equal(tokenCallsSince(start).length, 0);

  // An expired access token with a member refresh token: renewed, still the member.
  const expired = { ...tokens, accessToken: { ...tokens.accessToken, expiresAt: 0 } };
  const expiredAuth = newClient(expired).auth;
  start = exchanges.length;
  const renewedHeaders = (await expiredAuth.getAuthHeaders()).headers;
  const calls = tokenCallsSince(start);
  assert.equal(calls.length, 1);
  assert.equal(JSON.parse(calls[0].requestBody).grantType, 'refresh_token');
  assert.equal(calls[0].status, 200);
  assert.equal(renewedHeaders.Authorization, expiredAuth.getTokens().accessToken.value);
  assert.equal(expiredAuth.getTokens().refreshToken.role, 'member');
  assert.equal((await currentMember(expiredAuth.getTokens())).loginEmail, member.email);
});

test('setTokens/getTokens', async () => {
  const { tokens } = await memberTokensFor(await login(member.email, member.password));
  const client = newClient();
  assert.equal(client.auth.getTokens().accessToken.value, '', 'a new client has no tokens');
  client.auth.setTokens(tokens);
  assert.deepEqual(client.auth.getTokens(), tokens);
  // The module calls of this client now run as the member.
  const start = exchanges.length;
  const { member: me } = await client.members.getCurrentMember();
  assert.equal(me.loginEmail, member.email);
  assert.equal(exchanges[start].requestHeaders.authorization, tokens.accessToken.value);
});

test('loggedIn', async () => {
  const { auth } = newClient();
  assert.equal(auth.loggedIn(), false, 'no tokens');
  auth.setTokens(await auth.generateVisitorTokens());
  assert.equal(auth.loggedIn(), false, 'visitor tokens');
  const { tokens } = await memberTokensFor(await login(member.email, member.password));
  auth.setTokens(tokens);
  assert.equal(auth.loggedIn(), true, 'member tokens');
  await auth.logout(POST_LOGOUT_URL);
  assert.equal(auth.loggedIn(), false, 'after logout');
});

// The custom-login path: a session token from login → getAuthUrl → the browser follows
// authUrl → the registered redirect URI gets a code and the state → getMemberTokens.
async function signInWithAuthUrl(opts, responseMode) {
  const { auth } = newClient();
  const oauthData = auth.generateOAuthData(REDIRECT_URI);
  const start = exchanges.length;
  const { authUrl, authorizationEndpoint } = await auth.getAuthUrl(oauthData, opts);
  const sent = exchanges.slice(start).find((e) => new URL(e.target).pathname === '/_api/redirects-api/v1/redirect-session');
  assert.equal(sent?.status, 200);
  const { authRequest, prompt } = JSON.parse(sent.requestBody).auth;
  assert.equal(authRequest.sessionToken, opts.sessionToken);
  assert.equal(prompt, opts.prompt ?? 'login');
  assert.equal(typeof authorizationEndpoint, 'string', 'redirectSession.urlDetails.endpoint');
  assert.ok(authUrl.startsWith(BASE_URL), `authUrl ${authUrl} is not on ${BASE_URL}`);
  assert.ok(authUrl.startsWith(authorizationEndpoint), `authUrl ${authUrl} is not under ${authorizationEndpoint}`);

  const { status, location } = await follow(authUrl);
  assert.equal(status, 302, `GET ${authUrl}`);
  assert.ok(location?.startsWith(REDIRECT_URI), `authorize redirect: ${location}`);
  const { code, state, error, errorDescription } = auth.parseFromUrl(location, responseMode);
  assert.equal(error, undefined, `authorize error: ${error} ${errorDescription}`);
  assert.ok(code, `no code in ${location}`);
  assert.equal(state, oauthData.state);

  const tokens = await auth.getMemberTokens(code, state, oauthData);
  assertTokens(tokens, 'member');
  assert.equal((await currentMember(tokens)).loginEmail, member.email);
}

test('getAuthUrl', async (t) => {
  await t.test('sessionToken, client defaults (prompt login, responseMode fragment)', async () => {
    await signInWithAuthUrl({ sessionToken: await login(member.email, member.password) }, 'fragment');
  });
  await t.test('sessionToken, prompt none, responseMode query', async () => {
    const sessionToken = await login(member.email, member.password);
    await signInWithAuthUrl({ sessionToken, prompt: 'none', responseMode: 'query' }, 'query');
  });
  await t.test('idp (none is configured): an OAuth error at the redirect URI', async () => {
    const { auth } = newClient();
    const oauthData = auth.generateOAuthData(REDIRECT_URI);
    const { authUrl } = await auth.getAuthUrl(oauthData, { idp: 'google', responseMode: 'query' });
    assert.equal(new URL(authUrl).searchParams.get('idp'), '0e6a50f5-b523-4e29-990d-f37fa2ffdd69');
    const { status, location } = await follow(authUrl);
    assert.equal(status, 302);
    const { error, state } = auth.parseFromUrl(location, 'query');
    assert.equal(error, 'invalid_request');
    assert.equal(state, oauthData.state);
  });
});

test('getMemberTokens', async () => {
  const { code, state, oauthData, client } = await authorizationCode(await login(member.email, member.password));
  const start = exchanges.length;
  const tokens = await client.auth.getMemberTokens(code, state, oauthData);
  assertTokens(tokens, 'member');
  const body = JSON.parse(tokenCallsSince(start)[0].requestBody);
  assert.equal(body.grantType, 'authorization_code');
  assert.equal(body.codeVerifier, oauthData.codeVerifier);
  assert.equal((await currentMember(tokens)).loginEmail, member.email);
  // A code works once.
  await assert.rejects(client.auth.getMemberTokens(code, state, oauthData), /Failed to fetch tokens/);
  // PKCE: a verifier that does not match the session's challenge gets nothing.
  const second = await authorizationCode(await login(member.email, member.password));
  const wrongVerifier = { ...second.oauthData, codeVerifier: client.auth.generateOAuthData(REDIRECT_URI).codeVerifier };
  await assert.rejects(second.client.auth.getMemberTokens(second.code, second.state, wrongVerifier), /Failed to fetch tokens/);
});

test('logout', async () => {
  const { tokens } = await memberTokensFor(await login(member.email, member.password));
  const client = newClient(tokens);
  const { logoutUrl } = await client.auth.logout(POST_LOGOUT_URL);
  assert.ok(logoutUrl.startsWith(BASE_URL), `logoutUrl ${logoutUrl} is not on ${BASE_URL}`);
  assert.equal(client.auth.getTokens().accessToken.value, '', 'the client forgets its tokens');
  assert.equal(client.auth.loggedIn(), false);

  // Before the browser visits the logout URL the session still works...
  assert.equal((await currentMember(tokens)).loginEmail, member.email);
  // ...visiting it ends the session and goes back to the site.
  const { status, location } = await follow(logoutUrl);
  assert.equal(status, 302, `GET ${logoutUrl}`);
  assert.ok(location?.startsWith(POST_LOGOUT_URL), `logout redirect: ${location}`);

  await assert.rejects(client.auth.renewToken(tokens.refreshToken), /Failed to fetch tokens/);
  await assert.rejects(currentMember(tokens));
  // Other sessions of the member are not affected.
  const { tokens: fresh } = await memberTokensFor(await login(member.email, member.password));
  assert.equal((await currentMember(fresh)).loginEmail, member.email);
});
