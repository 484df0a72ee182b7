// Bundles login.mjs as one would ship a Lambda zip: esbuild, one minified ESM file
// (dist/index.mjs, the AWS SDK inside it), for Node 20. The argon2 binding is a native
// addon that no bundler can inline: it stays external and ships beside the bundle as
// dist/node_modules/@node-rs/argon2 (its loader) and the platform package holding the
// .node file that `npm ci` installed for this machine (e.g. @node-rs/argon2-linux-x64-gnu).

import { build } from "esbuild";
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, "dist");
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

await build({
  entryPoints: [path.join(here, "login.mjs")],
  outfile: path.join(dist, "index.mjs"),
  bundle: true,
  minify: true,
  platform: "node",
  target: "node20",
  format: "esm",
  external: ["@node-rs/argon2"],
  // The SDK's CommonJS parts call require(): give the ESM bundle one.
  banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  legalComments: "none",
  logLevel: "warning",
});

const scope = path.join(here, "node_modules", "@node-rs");
const shipped = [];
for (const name of readdirSync(scope)) {
  if (name !== "argon2" && !name.startsWith("argon2-")) continue;
  const from = path.join(scope, name);
  const to = path.join(dist, "node_modules", "@node-rs", name);
  cpSync(from, to, {
    recursive: true,
    // The loader and the binary only: no README, typings or browser shim.
    filter: (src) => !/\.(md|d\.ts)$/.test(src) && !src.endsWith("browser.js"),
  });
  shipped.push(name);
}
if (!shipped.some((n) => n.startsWith("argon2-")) || !existsSync(path.join(dist, "index.mjs"))) {
  throw new Error("no @node-rs/argon2 platform binding installed (npm ci)");
}
console.log(`dist/index.mjs + node_modules/@node-rs/{${shipped.join(",")}}`);
