// The package as npm would publish it: an ES module build and a CommonJS one with the same
// exports (resolved through the package's own `exports`, as a user's `import` and
// `require` would), its README, and nothing else.

import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

it("import and require give the same API", async () => {
  const require = createRequire(import.meta.url);
  const cjs = require("twenty-rs-sdk") as Record<string, unknown>;
  const esm = (await import("twenty-rs-sdk")) as Record<string, unknown>;
  assert.deepEqual(Object.keys(cjs).sort(), Object.keys(esm).sort());
  assert.equal(typeof cjs.TwentyClient, "function");
  assert.notEqual(cjs.TwentyClient, esm.TwentyClient, "two builds, not one loaded twice");
  const Client = cjs.TwentyClient as new (options: { url: string; apiKey: string }) => Record<string, unknown>;
  const client = new Client({ url: "http://127.0.0.1:9", apiKey: "twk_x" });
  assert.equal(typeof client.people, "object");
  const serialize = cjs.serializeFilter as (filter: unknown, composites: readonly string[]) => string;
  assert.equal(serialize({ city: { eq: "Paris" } }, []), 'city[eq]:"Paris"');
});

it("the packed files are both builds, their types and the README", async () => {
  const { stdout } = await promisify(execFile)("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root });
  const [packed] = JSON.parse(stdout) as [{ name: string; files: { path: string }[] }];
  assert.equal(packed.name, "twenty-rs-sdk");
  const files = packed.files.map((f) => f.path);
  for (const file of ["README.md", "package.json", "dist/index.js", "dist/index.d.ts", "dist/cjs/index.js", "dist/cjs/index.d.ts", "dist/cjs/package.json"]) {
    assert.ok(files.includes(file), `${file} is not packed: ${files.join(", ")}`);
  }
  assert.ok(!files.some((f) => f.startsWith("src/") || f.startsWith("test/") || f.includes(".test.")), files.join(", "));
});
