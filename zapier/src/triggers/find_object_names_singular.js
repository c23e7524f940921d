'use strict';
// Hidden trigger feeding the object dropdowns: every active object that is not a system one.

const { objects } = require('../metadata');

const key = 'find_object_names_singular';

async function perform(z, bundle) {
  const all = await objects(z, bundle);
  return all
    .filter((o) => !o.isSystem)
    .map((o) => ({ id: o.nameSingular, nameSingular: o.nameSingular, namePlural: o.namePlural, labelSingular: o.labelSingular, isCustom: o.isCustom }));
}

module.exports = {
  key,
  noun: 'Object',
  display: { label: 'Objects', description: 'Lists the objects of the workspace (for dropdowns).', hidden: true },
  operation: {
    perform,
    sample: { id: 'company', nameSingular: 'company', namePlural: 'companies', labelSingular: 'Company', isCustom: false },
  },
};
