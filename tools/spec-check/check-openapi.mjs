// Validates OpenAPI 3.1 documents with two independent validators: the official OpenAPI
// JSON Schema (@seriousme/openapi-schema-validator) and Redocly's structural checks
// (every object's shape per the 3.1 specification, and every $ref resolvable).
// Usage: node check-openapi.mjs FILE...   (exit 1 naming every problem)
import { Validator } from "@seriousme/openapi-schema-validator";
import { lintFromString, createConfig } from "@redocly/openapi-core";
import { readFile } from "node:fs/promises";

const redocly = await createConfig({
  extends: [],
  rules: { struct: "error", "no-unresolved-refs": "error" },
});

let failed = false;
for (const file of process.argv.slice(2)) {
  const source = await readFile(file, "utf8");
  const doc = JSON.parse(source);
  if (typeof doc.openapi !== "string" || !doc.openapi.startsWith("3.1")) {
    console.error(`${file}: not an OpenAPI 3.1 document (openapi: ${doc.openapi})`);
    failed = true;
    continue;
  }
  let ok = true;
  const result = await new Validator().validate(doc);
  if (!result.valid) {
    console.error(`${file}: @seriousme/openapi-schema-validator:`);
    console.error(JSON.stringify(result.errors, null, 2));
    ok = false;
  }
  const problems = await lintFromString({ source, absoluteRef: file, config: redocly });
  for (const p of problems) {
    const where = p.location?.[0]?.pointer ?? "";
    console.error(`${file}: @redocly/openapi-core: ${p.message} at ${where}`);
    ok = false;
  }
  if (ok) console.log(`${file}: valid OpenAPI ${doc.openapi}`);
  failed ||= !ok;
}
process.exit(failed ? 1 : 0);
