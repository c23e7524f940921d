// Writes the ```ts blocks of the README's "TypeScript SDK" section to readme-examples/
// (git-ignored), so that `npm run check` type-checks them and the live test runs them.

import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const readme = await readFile(join(root, "..", "README.md"), "utf8");
const start = readme.indexOf("\n## TypeScript SDK\n");
if (start < 0) throw new Error("README.md has no `## TypeScript SDK` section");
const end = readme.indexOf("\n## ", start + 1);
const section = readme.slice(start, end < 0 ? undefined : end);
const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
if (blocks.length === 0) throw new Error("the `TypeScript SDK` section of README.md has no ```ts example");
const out = join(root, "readme-examples");
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });
for (const [i, block] of blocks.entries()) {
  await writeFile(join(out, `example-${i + 1}.ts`), `// From README.md (TypeScript SDK), example ${i + 1}.\n${block}`);
}
console.log(`readme-examples: ${blocks.length} example(s)`);
