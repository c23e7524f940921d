// Verifies one webhook delivery's signatures with implementations independent of the
// server's: the Standard Webhooks reference library (`standardwebhooks` on npm) and a
// plain HMAC-SHA256 of Twenty's scheme with Node's crypto. Reads
// {secret, headers, body} as JSON on stdin (headers with lower-case names, body the exact
// text received); prints {"standard": true|error, "twenty": true|error}; exits 1 unless
// both hold.
import { Webhook } from "standardwebhooks";
import { createHmac, timingSafeEqual } from "node:crypto";

let input = "";
for await (const chunk of process.stdin) input += chunk;
const { secret, headers, body } = JSON.parse(input);

const result = {};
try {
  // The library takes the key as `whsec_` + base64 of its bytes.
  const key = "whsec_" + Buffer.from(secret, "utf8").toString("base64");
  new Webhook(key).verify(body, headers);
  result.standard = true;
} catch (e) {
  result.standard = String(e);
}
const timestamp = headers["x-twenty-webhook-timestamp"];
const signature = headers["x-twenty-webhook-signature"] ?? "";
const expected = createHmac("sha256", secret).update(`${timestamp}:${body}`).digest("hex");
result.twenty =
  signature.length === expected.length &&
  timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
    ? true
    : `signature ${signature} is not ${expected}`;
console.log(JSON.stringify(result));
process.exit(result.standard === true && result.twenty === true ? 0 : 1);
