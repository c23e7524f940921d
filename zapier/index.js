'use strict';
// The Zapier app: Twenty's connector surface (authentication, `trigger_record`,
// `crud_record` and the hidden dropdown triggers) and, beyond it, find / create actions,
// restored and upserted operations, and updates limited to chosen fields.

const zapier = require('zapier-platform-core');

const authentication = require('./src/authentication');
const { addHeaders, explainErrors } = require('./src/client');
const createRecord = require('./src/creates/create_record');
const crudRecord = require('./src/creates/crud_record');
const findRecord = require('./src/searches/find_record');
const findObjectNamesSingular = require('./src/triggers/find_object_names_singular');
const listRecordIds = require('./src/triggers/list_record_ids');
const triggerRecord = require('./src/triggers/trigger_record');

const byKey = (...definitions) =>
  Object.fromEntries(definitions.map(({ capitalized, ...definition }) => [definition.key, definition]));

module.exports = {
  version: require('./package.json').version,
  platformVersion: zapier.version,
  authentication,
  beforeRequest: [addHeaders],
  afterResponse: [explainErrors],
  triggers: byKey(triggerRecord, findObjectNamesSingular, listRecordIds),
  creates: byKey(crudRecord, createRecord),
  searches: byKey(findRecord),
  searchOrCreates: {
    [findRecord.key]: {
      key: findRecord.key,
      display: { label: 'Find or Create Record', description: 'Finds a record by a field and creates it when none matches.' },
      search: findRecord.key,
      create: createRecord.key,
    },
  },
};
