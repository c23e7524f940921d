'use strict';
// Create, update or delete a record of any object (Twenty's `crud_record`): the input fields
// follow the chosen object's metadata; the answer is the API's envelope with the whole record
// (`{data: {createCompany: {…}}}`, as Twenty's connector answers with `{id}`). Deleting
// soft-deletes, as Twenty's `delete<Object>` does.

const { rest } = require('../client');
const { inputFields, toData } = require('../fields');
const { object, objectInput } = require('../metadata');

const key = 'crud_record';
const CONTROL = ['nameSingular', 'crudZapierOperation'];
const OPERATIONS = { created: 'Create', updated: 'Update', deleted: 'Delete' };

const capitalized = (name) => name.charAt(0).toUpperCase() + name.slice(1);

async function recordFields(z, bundle) {
  const { nameSingular, crudZapierOperation: operation } = bundle.inputData;
  if (!nameSingular || !operation) return [];
  if (operation === 'deleted') {
    return [{ key: 'id', label: 'Record ID', type: 'string', required: true, dynamic: 'list_record_ids.id.label' }];
  }
  const target = await object(z, bundle, nameSingular);
  return inputFields(target, { forUpdate: operation === 'updated' });
}

function requireId(z, bundle) {
  const id = bundle.inputData.id;
  if (typeof id !== 'string' || id.trim() === '') {
    throw new z.errors.Error('INVALID_INPUT: id: the record to change or delete is required', 'INVALID_INPUT', 400);
  }
  return encodeURIComponent(id.trim());
}

async function perform(z, bundle) {
  const operation = bundle.inputData.crudZapierOperation;
  if (!OPERATIONS[operation]) {
    throw new z.errors.Error(`INVALID_INPUT: unknown operation \`${operation}\` (one of ${Object.keys(OPERATIONS).join(', ')})`, 'INVALID_INPUT', 400);
  }
  const target = await object(z, bundle, bundle.inputData.nameSingular);
  const path = `/${target.namePlural}`;
  switch (operation) {
    case 'created':
      return rest(z, bundle, 'POST', path, { body: toData(z, target, bundle.inputData, CONTROL) });
    case 'updated': {
      const id = requireId(z, bundle);
      return rest(z, bundle, 'PATCH', `${path}/${id}`, { body: toData(z, target, bundle.inputData, [...CONTROL, 'id']) });
    }
    default:
      // A soft delete (`deletedAt` set; restorable), as Twenty's `delete<Object>` mutation.
      return rest(z, bundle, 'DELETE', `${path}/${requireId(z, bundle)}`, { params: { soft_delete: 'true' } });
  }
}

module.exports = {
  key,
  noun: 'Record',
  display: { label: 'Create, Update or Delete Record', description: 'Creates, updates or deletes a record of any object.' },
  operation: {
    inputFields: [
      objectInput,
      { key: 'crudZapierOperation', label: 'Operation', required: true, choices: OPERATIONS, altersDynamicFields: true },
      recordFields,
    ],
    perform,
    sample: { data: { createCompany: { id: '179ed459-79cf-41d9-ab85-96397fa8e936', name: 'Acme' } } },
  },
  capitalized,
};
