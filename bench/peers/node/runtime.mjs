// The runtime loop the managed Node.js runtime performs, stand-in for it under the bench
// (not part of the function's package: on Lambda the runtime brings it).
//
// The official runtime interface client, the `aws-lambda-ric` npm package, compiles a
// native addon (aws-lambda-cpp and curl) whose install script requires cmake: with gcc
// alone it does not install (`npm install aws-lambda-ric@4.0.2` stops at "cmake is not
// installed"). So this is the minimal loop of the Runtime API as the managed runtime runs
// it: import the handler module named by _HANDLER from LAMBDA_TASK_ROOT (init), then
// GET /invocation/next → handler(event, context) → POST /invocation/<id>/response (or
// /error), over one keep-alive connection (http.Agent keepAlive, one socket).

import http from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";

const API = process.env.AWS_LAMBDA_RUNTIME_API;
const BASE = "/2018-06-01/runtime";
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function request(method, urlPath, body) {
  return new Promise((resolve, reject) => {
    const [host, port] = API.split(":");
    const req = http.request(
      {
        host, port, method, path: BASE + urlPath, agent,
        headers: body == null ? {} : { "content-type": "application/json",
          "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode, headers: res.headers,
          body: Buffer.concat(chunks).toString() }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const errorBody = (err) => JSON.stringify({
  errorType: err?.name ?? "Error",
  errorMessage: err?.message ?? String(err),
  trace: String(err?.stack ?? "").split("\n"),
});

async function main() {
  const [moduleName, exportName] = (process.env._HANDLER || "index.handler").split(/\.(?=[^.]+$)/);
  const root = process.env.LAMBDA_TASK_ROOT || process.cwd();
  let handler;
  try {
    const mod = await import(pathToFileURL(path.join(root, `${moduleName}.mjs`)).href);
    handler = mod[exportName];
    if (typeof handler !== "function") throw new Error(`${process.env._HANDLER} is not a function`);
  } catch (err) {
    await request("POST", "/init/error", errorBody(err));
    process.exit(1);
  }
  for (;;) {
    const next = await request("GET", "/invocation/next");
    if (next.status !== 200) process.exit(0); // the bench ended the session
    const id = next.headers["lambda-runtime-aws-request-id"];
    process.env._X_AMZN_TRACE_ID = next.headers["lambda-runtime-trace-id"] ?? "";
    const deadline = Number(next.headers["lambda-runtime-deadline-ms"]);
    const context = {
      awsRequestId: id,
      invokedFunctionArn: next.headers["lambda-runtime-invoked-function-arn"],
      functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
      functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
      memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
      logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
      logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
      getRemainingTimeInMillis: () => deadline - Date.now(),
    };
    try {
      const result = await handler(JSON.parse(next.body), context);
      await request("POST", `/invocation/${id}/response`, JSON.stringify(result));
    } catch (err) {
      console.error(JSON.stringify({ level: "ERROR", message: "invocation failed",
        errorType: err?.name, errorMessage: err?.message }));
      await request("POST", `/invocation/${id}/error`, errorBody(err));
    }
  }
}

main();
