'use strict';
// The workspace's model, read from the metadata API at run time (custom objects and fields
// included), and the generated table (`generated/model.json`, written by
// `cargo xtask codegen` from the server's model) that says how each field type becomes
// Zapier input fields.

const { graphql } = require('./client');
const model = require('./generated/model.json');

const OBJECTS = `query ZapierObjects {
  objects(paging: {first: 1000}, filter: {isActive: {is: true}}) {
    edges { node {
      id nameSingular namePlural labelSingular labelPlural isSystem isCustom
      labelIdentifierFieldMetadataId
      fields(paging: {first: 1000}, filter: {isActive: {is: true}}) {
        edges { node {
          id name type label description isNullable isSystem isUIReadOnly isUnique
          defaultValue options
          relation { type targetObjectMetadata { nameSingular namePlural } }
        } }
      }
    } }
  }
}`;

/** Every active object of the workspace, each with its active fields. */
async function objects(z, bundle) {
  const data = await graphql(z, bundle, OBJECTS, {}, 'metadata');
  return data.objects.edges.map(({ node }) => ({
    ...node,
    fields: node.fields.edges.map((edge) => edge.node),
  }));
}

/** The object named `name` (`company`; Twenty's connector also sends `Company`). */
async function object(z, bundle, name) {
  const all = await objects(z, bundle);
  const wanted = String(name || '');
  const found =
    all.find((o) => o.nameSingular === wanted) ||
    all.find((o) => o.nameSingular.toLowerCase() === wanted.toLowerCase());
  if (!found) {
    const names = all.filter((o) => !o.isSystem).map((o) => o.nameSingular).join(', ');
    throw new z.errors.Error(`UNKNOWN_OBJECT: no object \`${wanted}\` in this workspace (it has ${names})`, 'UNKNOWN_OBJECT', 404);
  }
  return found;
}

/** The record operations a trigger can subscribe to (`created`, `updated`, …). */
const operations = model.operations;

/** The generated entry of a field type, or `undefined` for a type this connector predates. */
function typeEntry(field) {
  return model.fieldTypes[field.type];
}

/** A record's display label: its label identifier field's value, else its id. */
function labelOf(object, record) {
  const field = object.fields.find((f) => f.id === object.labelIdentifierFieldMetadataId);
  const value = field ? record[field.name] : undefined;
  if (value && typeof value === 'object') {
    const text = Object.values(value).filter((v) => typeof v === 'string' && v.length > 0).join(' ');
    if (text) return text;
  } else if (value !== undefined && value !== null && value !== '') {
    return String(value);
  }
  return record.id;
}

/** The input choosing the object, filled from `find_object_names_singular`. */
const objectInput = {
  key: 'nameSingular',
  label: 'Object',
  required: true,
  dynamic: 'find_object_names_singular.nameSingular.labelSingular',
  altersDynamicFields: true,
};

module.exports = { labelOf, object, objectInput, objects, operations, typeEntry };
