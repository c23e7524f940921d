// Marks dist/cjs/ as CommonJS (the package itself is "type": "module"), so that Node loads
// the files `require("twenty-rs-sdk")` resolves to as CommonJS.

import { writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
await writeFile(join(root, "dist", "cjs", "package.json"), JSON.stringify({ type: "commonjs" }, null, 2) + "\n");
