'use strict';
// The offline equivalent of `zapier validate`: the app definition, compiled and serialized
// as the Zapier CLI sends it (functions as `$func$…` markers), checked against
// zapier-platform-schema. Exits 1 listing the errors.

const { validateAppDefinition } = require('zapier-platform-schema');
const { compileApp, serializeApp } = require('zapier-platform-core/src/tools/schema');
const App = require('..');

function errors() {
  return validateAppDefinition(serializeApp(compileApp(App))).errors;
}

if (require.main === module) {
  const found = errors();
  if (found.length > 0) {
    for (const error of found) console.error(`${error.property}: ${error.message}`);
    process.exit(1);
  }
  console.log(`zapier-platform-schema ${require('zapier-platform-schema/package.json').version}: the app definition is valid`);
}

module.exports = { errors };
