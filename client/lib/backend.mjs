// The one fetch shim: importing this module replaces globalThis.fetch so that Wix's own
// client, unchanged, talks to `make dev`.
//   - https://www.wixapis.com/... and any other https://*.wixapis.com/... (the client
//     sends its REST calls to edge.wixapis.com when a client is built with
//     OAuthStrategy, whose `shouldUseCDN` is true) go to BASE_URL with the same path,
//     query, method, headers and body;
//   - BASE_URL itself passes through (the tests follow the URLs the backend hands out:
//     authUrl, logoutUrl, recovery links), never following redirects unless asked;
//   - anything else throws: nothing may leave this machine, and a host the client uses
//     that we do not know of must show up as a failure, not as a silent miss.
// CLIENT_TRACE=1 prints every exchange (request headers and body, response status and
// body) to stderr; `exchanges` keeps them in memory for assertions either way.

export const BASE_URL = (
  process.env.BASE_URL || `http://127.0.0.1:${process.env.DEV_PORT || '9000'}`
).replace(/\/+$/, '');
const BASE = new URL(BASE_URL);
const TRACE = !!process.env.CLIENT_TRACE && process.env.CLIENT_TRACE !== '0';
// The first call of a function may wait for cargo-lambda to start (or rebuild) it.
const TIMEOUT_MS = Number(process.env.CLIENT_FETCH_TIMEOUT_MS || 300_000);

/** The platform's fetch, for the tests' own calls to the SES store. */
export const realFetch = globalThis.fetch;

/** Every exchange through the shim: {method, url, target, requestHeaders, requestBody, status, location, responseBody}. */
export const exchanges = [];

const isWixApiHost = (url) =>
  url.protocol === 'https:' && (url.hostname === 'wixapis.com' || url.hostname.endsWith('.wixapis.com'));

const clip = (text, n = 1500) => (text && text.length > n ? `${text.slice(0, n)}…` : text);
const shortToken = (value) => (value.length > 40 ? `${value.slice(0, 24)}…(${value.length} chars)` : value);

function trace(line) {
  if (TRACE) process.stderr.write(`# [client] ${line}\n`);
}

async function shimFetch(input, init) {
  const request = new Request(input, init);
  const url = new URL(request.url);
  let target;
  if (isWixApiHost(url)) {
    target = new URL(url.pathname + url.search, BASE);
  } else if (url.origin === BASE.origin) {
    target = url;
  } else {
    const error = new Error(
      `backend shim: refusing to fetch ${request.method} ${request.url}: only https://*.wixapis.com ` +
        `(sent to ${BASE_URL}) and ${BASE.origin} itself are allowed`,
    );
    process.stderr.write(`# [client] ${error.message}\n`);
    throw error;
  }
  const body = ['GET', 'HEAD'].includes(request.method) ? undefined : await request.text();
  const requestHeaders = Object.fromEntries(request.headers);
  const entry = { method: request.method, url: request.url, target: target.href, requestHeaders, requestBody: body };
  exchanges.push(entry);
  trace(`→ ${request.method} ${request.url}${target.href === request.url ? '' : ` (sent to ${target.href})`}`);
  for (const [name, value] of Object.entries(requestHeaders)) {
    trace(`    ${name}: ${name === 'authorization' ? shortToken(value) : value}`);
  }
  if (body) trace(`    body: ${clip(body)}`);

  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  const response = await realFetch(target, {
    method: request.method,
    headers: request.headers,
    body: body || undefined,
    redirect: request.redirect,
    signal: request.signal ? AbortSignal.any([request.signal, timeout]) : timeout,
  });
  entry.status = response.status;
  entry.location = response.headers.get('location') ?? undefined;
  entry.responseBody = await response.clone().text();
  if (response.status === 429) {
    process.stderr.write(
      `# [client] 429 for ${request.method} ${target.pathname}: the backend's per-source rate limit; ` +
        'make client-test starts make dev with higher RATE_LIMITS, or wait a minute\n',
    );
  }
  trace(
    `← ${response.status} ${request.method} ${target.pathname}` +
      `${entry.location ? ` location: ${entry.location}` : ''} ${clip(entry.responseBody, 800)}`,
  );
  return response;
}

globalThis.fetch = shimFetch;

/** The exchanges since `start` (an index into `exchanges`), one line each: for assertion messages. */
export function describeExchanges(start = 0) {
  return exchanges
    .slice(start)
    .map((e) => `${e.method} ${e.url} → ${e.status}${e.requestBody ? ` sent ${clip(e.requestBody, 300)}` : ''} got ${clip(e.responseBody, 300)}`)
    .join('\n');
}
