'use strict';
// Hidden trigger feeding the record dropdowns: the most recently updated records of an
// object, each with its label.

const { rest } = require('../client');
const { labelOf, object, objectInput } = require('../metadata');

const key = 'list_record_ids';

async function perform(z, bundle) {
  const target = await object(z, bundle, bundle.inputData.nameSingular);
  const body = await rest(z, bundle, 'GET', `/${target.namePlural}`, {
    params: { limit: '100', depth: '0', order_by: 'updatedAt[DescNullsLast]' },
  });
  return body.data[target.namePlural].map((record) => ({ id: record.id, label: labelOf(target, record) }));
}

module.exports = {
  key,
  noun: 'Record',
  display: { label: 'Records', description: 'Lists recent records of an object (for dropdowns).', hidden: true },
  operation: {
    inputFields: [{ ...objectInput, altersDynamicFields: false }],
    perform,
    sample: { id: '179ed459-79cf-41d9-ab85-96397fa8e936', label: 'Acme' },
  },
};
