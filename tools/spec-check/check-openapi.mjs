// Validates OpenAPI 3.1 documents with two independent validators.
// Usage: node check-openapi.mjs FILE...   (exit 1 naming every problem)
import { Validator } from "@seriousme/openapi-schema-validator";
import SwaggerParser from "@apidevtools/swagger-parser";
import { readFile } from "node:fs/promises";

let failed = false;
for (const file of process.argv.slice(2)) {
  const doc = JSON.parse(await readFile(file, "utf8"));
  if (typeof doc.openapi !== "string" || !doc.openapi.startsWith("3.1")) {
    console.error(`${file}: not an OpenAPI 3.1 document (openapi: ${doc.openapi})`);
    failed = true;
    continue;
  }
  const validator = new Validator();
  const result = await validator.validate(structuredClone(doc));
  if (!result.valid) {
    console.error(`${file}: @seriousme/openapi-schema-validator:`);
    console.error(JSON.stringify(result.errors, null, 2));
    failed = true;
  }
  try {
    await SwaggerParser.validate(structuredClone(doc));
  } catch (e) {
    console.error(`${file}: @apidevtools/swagger-parser: ${e.message}`);
    failed = true;
  }
  if (!failed) console.log(`${file}: valid OpenAPI ${doc.openapi}`);
}
process.exit(failed ? 1 : 0);
