'use strict';
// Create a record of any object, answering the record itself: the create half of "find or
// create" (`find_record`).

const { rest } = require('../client');
const { inputFields, toData } = require('../fields');
const { object, objectInput } = require('../metadata');
const { capitalized } = require('./crud_record');

const key = 'create_record';

async function recordFields(z, bundle) {
  if (!bundle.inputData.nameSingular) return [];
  return inputFields(await object(z, bundle, bundle.inputData.nameSingular));
}

async function perform(z, bundle) {
  const target = await object(z, bundle, bundle.inputData.nameSingular);
  const body = await rest(z, bundle, 'POST', `/${target.namePlural}`, {
    body: toData(z, target, bundle.inputData, ['nameSingular', 'lookupField', 'lookupValue']),
  });
  return body.data[`create${capitalized(target.nameSingular)}`];
}

module.exports = {
  key,
  noun: 'Record',
  display: { label: 'Create Record', description: 'Creates a record of any object.' },
  operation: {
    inputFields: [
      objectInput,
      recordFields,
    ],
    perform,
    sample: { id: '179ed459-79cf-41d9-ab85-96397fa8e936', name: 'Acme' },
  },
};
