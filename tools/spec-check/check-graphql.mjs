// Parses and validates GraphQL SDL with graphql-js (the reference implementation).
// Usage: node check-graphql.mjs FILE...   (exit 1 naming every problem)
import { buildSchema, validateSchema } from "graphql";
import { readFile } from "node:fs/promises";

let failed = false;
for (const file of process.argv.slice(2)) {
  try {
    const schema = buildSchema(await readFile(file, "utf8"));
    const errors = validateSchema(schema);
    if (errors.length > 0) {
      for (const e of errors) console.error(`${file}: ${e.message}`);
      failed = true;
    } else {
      const types = Object.keys(schema.getTypeMap()).length;
      console.log(`${file}: valid GraphQL schema (${types} types)`);
    }
  } catch (e) {
    console.error(`${file}: ${e.message}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
