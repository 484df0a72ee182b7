// Calling an AWS_IAM route of the deployed API from a site's backend (Node 20+), signed
// with SigV4 by the AWS SDK's own signer:
//   npm install --save-exact @smithy/signature-v4 @aws-crypto/sha256-js
//
//   API=https://abc123.execute-api.us-east-1.amazonaws.com AWS_REGION=us-east-1 \
//   node sigv4.mjs generate-session-token '{"email":"ann@example.com"}'
//
// The credentials are an IAM identity allowed `execute-api:Invoke` on the route
// (infra/README.md, "Call the deployed API"); here from AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY and, for temporary credentials, AWS_SESSION_TOKEN. (A Lambda's
// own role gives exactly these variables; elsewhere @aws-sdk/credential-providers'
// fromNodeProviderChain() can supply `credentials`.)

import { pathToFileURL } from 'node:url';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

const signer = new SignatureV4({
  service: 'execute-api',
  region: process.env.AWS_REGION ?? 'us-east-1',
  sha256: Sha256,
  credentials: {
    accessKeyId: process.env.AWS_ACCESS_KEY_ID,
    secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,
    sessionToken: process.env.AWS_SESSION_TOKEN, // signed as x-amz-security-token when set
  },
});

/** The request, signed: {url, method, headers, body} for fetch. */
export async function signedRequest(method, url, json) {
  const { protocol, hostname, port, host, pathname, searchParams } = new URL(url);
  const body = json === undefined ? undefined : JSON.stringify(json);
  const signed = await signer.sign({
    method,
    protocol,
    hostname,
    port: port ? Number(port) : undefined,
    path: pathname,
    query: Object.fromEntries(searchParams),
    headers: { host, ...(body && { 'content-type': 'application/json' }) },
    body,
  });
  return { url, method, headers: signed.headers, body };
}

/** POST /backend/authentication/<method> with a JSON body: the Velo privileged methods. */
export async function callPrivileged(api, method, json) {
  const { url, ...init } = await signedRequest('POST', `${api.replace(/\/+$/, '')}/backend/authentication/${method}`, json);
  const response = await fetch(url, init);
  const answer = await response.json();
  if (!response.ok) throw new Error(`${method}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

// node sigv4.mjs <method> '<json>': generate-session-token, approve-by-email, block-by-email
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [method, json] = process.argv.slice(2);
  console.log(JSON.stringify(await callPrivileged(process.env.API, method, JSON.parse(json))));
}
