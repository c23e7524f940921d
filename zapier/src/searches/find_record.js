'use strict';
// Find records of any object by the value of one field: a text, id, number or option field,
// or a composite's sub-field (a person's `emails.primaryEmail`, a company's
// `domainName.primaryLinkUrl`). Paired with `create_record` for "find or create".

const { rest } = require('../client');
const { lookupFields } = require('../fields');
const { object, objectInput } = require('../metadata');

const key = 'find_record';

async function lookupInput(z, bundle) {
  if (!bundle.inputData.nameSingular) return [];
  const target = await object(z, bundle, bundle.inputData.nameSingular);
  const choices = Object.fromEntries(lookupFields(target).map((f) => [f.path, f.unique ? `${f.label} (unique)` : f.label]));
  return [{ key: 'lookupField', label: 'Field', required: true, choices, altersDynamicFields: false, helpText: 'The field to match (exactly).' }];
}

/** A filter value: quoted, with `"` and `\` escaped, so any text is matched as it is. */
const quoted = (value) => `"${String(value).replace(/[\\"]/g, (c) => `\\${c}`)}"`;

async function perform(z, bundle) {
  const target = await object(z, bundle, bundle.inputData.nameSingular);
  const { lookupField, lookupValue } = bundle.inputData;
  const allowed = lookupFields(target).map((f) => f.path);
  if (!allowed.includes(lookupField)) {
    throw new z.errors.Error(`INVALID_INPUT: ${target.nameSingular} cannot be searched by \`${lookupField}\` (by ${allowed.join(', ')})`, 'INVALID_INPUT', 400);
  }
  if (lookupValue === undefined || lookupValue === null || String(lookupValue) === '') {
    throw new z.errors.Error('INVALID_INPUT: lookupValue: the value to find is required', 'INVALID_INPUT', 400);
  }
  const body = await rest(z, bundle, 'GET', `/${target.namePlural}`, {
    params: { filter: `${lookupField}[eq]:${quoted(lookupValue)}`, limit: '10', depth: '0', order_by: 'createdAt[AscNullsLast]' },
  });
  return body.data[target.namePlural];
}

module.exports = {
  key,
  noun: 'Record',
  display: { label: 'Find Record', description: 'Finds a record of any object by the value of one of its fields (email, domain, name, …).' },
  operation: {
    inputFields: [
      objectInput,
      lookupInput,
      { key: 'lookupValue', label: 'Value', required: true, helpText: 'The value the field must equal.' },
    ],
    perform,
    sample: { id: '179ed459-79cf-41d9-ab85-96397fa8e936', name: 'Acme' },
  },
};
