'use strict';
// A record's fields as Zapier input fields, and the values a Zap sends turned back into the
// API's record shape. Composite fields become one input per sub-field, keyed
// `<field>__<subField>` (as in Twenty's connector); a many-to-one relation is written as the
// related record's id, under `<field>Id`.

const { typeEntry } = require('./metadata');

/** Whether a field can be written by a client (the server sets the others). */
function writable(field) {
  if (field.isUIReadOnly) return false;
  if (field.isSystem && field.name !== 'id') return false;
  const entry = typeEntry(field);
  if (!entry || entry.kind === 'serverSet') return false;
  if (entry.kind === 'relation') return Boolean(field.relation && field.relation.type === 'MANY_TO_ONE');
  return true;
}

function choicesOf(field, input) {
  if (input.choices === 'options') {
    const options = Array.isArray(field.options) ? field.options : [];
    return Object.fromEntries(options.map((o) => [o.value, o.label || o.value]));
  }
  if (Array.isArray(input.choices)) return Object.fromEntries(input.choices.map((v) => [v, v]));
  return undefined;
}

function zapierField(key, label, helpText, input, extra) {
  const out = { key, label, type: input.type, list: input.list, required: false };
  if (helpText) out.helpText = helpText;
  return { ...out, ...extra };
}

/**
 * The input fields of `object`'s records: what a create asks for (`required` when the field
 * is not nullable and has no default), or, with `forUpdate`, every field optional and `id`
 * first and required.
 */
function inputFields(object, { forUpdate = false } = {}) {
  const out = [];
  for (const field of object.fields) {
    if (!writable(field)) continue;
    if (field.name === 'id') {
      if (forUpdate) {
        out.unshift({ key: 'id', label: `${object.labelSingular} ID`, type: 'string', required: true, dynamic: 'list_record_ids.id.label', helpText: `The id of the ${object.labelSingular.toLowerCase()} to change.` });
      }
      continue;
    }
    const entry = typeEntry(field);
    const required = !forUpdate && !field.isNullable && (field.defaultValue === null || field.defaultValue === undefined);
    if (entry.kind === 'composite') {
      for (const sub of entry.subFields) {
        const extra = {};
        if (sub.placeholder) extra.placeholder = sub.placeholder;
        const choices = choicesOf(field, sub);
        if (choices) extra.choices = choices;
        out.push(zapierField(`${field.name}__${sub.name}`, `${field.label}: ${sub.label}`, field.description, sub, extra));
      }
    } else if (entry.kind === 'relation') {
      const target = field.relation.targetObjectMetadata ? field.relation.targetObjectMetadata.nameSingular : 'record';
      out.push(zapierField(`${field.name}${entry.keySuffix}`, `${field.label} ID`, `The id of the related ${target}.`, entry.input, { required }));
    } else {
      const extra = { required };
      const choices = choicesOf(field, entry.input);
      if (choices) extra.choices = choices;
      out.push(zapierField(field.name, field.label, field.description, entry.input, extra));
    }
  }
  return out;
}

/** The fields a search can match on: `[{path, label, unique}]`, unique ones first. */
function lookupFields(object) {
  const out = [];
  for (const field of object.fields) {
    const entry = typeEntry(field);
    if (!entry || field.isUIReadOnly && field.name !== 'id') continue;
    if (entry.kind === 'scalar' && entry.input.lookup) {
      out.push({ path: field.name, label: field.label, unique: Boolean(field.isUnique) || field.name === 'id' });
    } else if (entry.kind === 'composite') {
      for (const sub of entry.subFields) {
        if (sub.lookup) out.push({ path: `${field.name}.${sub.name}`, label: `${field.label}: ${sub.label}`, unique: Boolean(field.isUnique) });
      }
    }
  }
  return out.sort((a, b) => Number(b.unique) - Number(a.unique));
}

/**
 * Reads a JSON object written loosely, as Twenty's connector documented list items:
 * `{ url: "https://…", label: 'Site' }` (bare keys, single quotes) as well as strict JSON.
 */
function looseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    // Rewritten to strict JSON below.
  }
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"' || c === "'") {
      let j = i + 1;
      let value = '';
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\' && j + 1 < text.length) {
          value += text[j + 1];
          j += 2;
        } else {
          value += text[j];
          j += 1;
        }
      }
      if (j >= text.length) throw new Error('a string is not closed');
      out += JSON.stringify(value);
      i = j + 1;
    } else if (/[A-Za-z_$]/.test(c)) {
      let j = i;
      while (j < text.length && /[\w$]/.test(text[j])) j += 1;
      const word = text.slice(i, j);
      out += ['true', 'false', 'null'].includes(word) ? word : JSON.stringify(word);
      i = j;
    } else {
      out += c;
      i += 1;
    }
  }
  return JSON.parse(out);
}

class InputError extends Error {}

function convert(value, input, name) {
  if (input.list) {
    const items = Array.isArray(value) ? value : [value];
    return items.filter((v) => v !== '' && v !== null && v !== undefined).map((v) => convert(v, { ...input, list: false }, name));
  }
  switch (input.convert) {
    case 'number': {
      const n = typeof value === 'number' ? value : Number(String(value).trim());
      if (!Number.isFinite(n)) throw new InputError(`${name}: \`${value}\` is not a number`);
      return n;
    }
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      const text = String(value).trim().toLowerCase();
      if (['true', 'yes', '1', 'on'].includes(text)) return true;
      if (['false', 'no', '0', 'off'].includes(text)) return false;
      throw new InputError(`${name}: \`${value}\` is not true or false`);
    }
    case 'date': {
      const text = String(value).trim();
      if (/^\d{4}-\d{2}-\d{2}/.test(text)) return text.slice(0, 10);
      const parsed = new Date(text);
      if (Number.isNaN(parsed.getTime())) throw new InputError(`${name}: \`${value}\` is not a date`);
      return parsed.toISOString().slice(0, 10);
    }
    case 'json':
      if (typeof value !== 'string') return value;
      try {
        return JSON.parse(value);
      } catch (error) {
        throw new InputError(`${name}: not JSON (${error.message})`);
      }
    case 'jsonObject':
      if (typeof value === 'object') return value;
      try {
        return looseJson(String(value));
      } catch (error) {
        throw new InputError(`${name}: \`${value}\` is not an object like ${input.placeholder || '{"key": "value"}'} (${error.message})`);
      }
    default:
      return typeof value === 'string' ? value : String(value);
  }
}

const empty = (v) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

/**
 * The record body for `object` from a Zap's input: `a__b` keys (or a nested `{a: {b}}`) become
 * composites, values are converted by type, empty values are left out (an empty input
 * leaves a field unchanged). `skip` names the connector's own keys. A key that is no field
 * of the object is an error naming it.
 */
function toData(z, object, inputData, skip = []) {
  const fields = new Map(object.fields.filter(writable).map((f) => [f.name, f]));
  const relations = new Map();
  for (const f of fields.values()) {
    const entry = typeEntry(f);
    if (entry.kind === 'relation') relations.set(`${f.name}${entry.keySuffix}`, { field: f, input: entry.input });
  }
  const data = {};
  const fail = (message) => {
    throw new z.errors.Error(`INVALID_INPUT: ${object.nameSingular}.${message}`, 'INVALID_INPUT', 400);
  };
  const setSub = (field, entry, subName, value) => {
    const sub = entry.subFields.find((s) => s.name === subName);
    if (!sub) fail(`${field.name} has no sub-field \`${subName}\` (it has ${entry.subFields.map((s) => s.name).join(', ')})`);
    if (empty(value)) return;
    data[field.name] = data[field.name] || {};
    data[field.name][subName] = convert(value, sub, `${field.name}.${subName}`);
  };
  try {
    for (const [key, value] of Object.entries(inputData || {})) {
      if (skip.includes(key)) continue;
      const [name, subName] = key.split('__');
      if (relations.has(key)) {
        if (!empty(value)) data[key] = convert(value, relations.get(key).input, key);
        continue;
      }
      const field = fields.get(name);
      if (!field) fail(`${key}: no such writable field`);
      const entry = typeEntry(field);
      if (entry.kind === 'composite') {
        if (subName !== undefined) {
          setSub(field, entry, subName, value);
        } else if (value && typeof value === 'object' && !Array.isArray(value)) {
          for (const [sub, v] of Object.entries(value)) setSub(field, entry, sub, v);
        } else if (!empty(value)) {
          fail(`${name}: give its sub-fields (${entry.subFields.map((s) => `${name}__${s.name}`).join(', ')})`);
        }
      } else if (subName !== undefined) {
        fail(`${name} has no sub-fields`);
      } else if (!empty(value)) {
        data[name] = convert(value, entry.input, name);
      }
    }
  } catch (error) {
    if (error instanceof InputError) fail(error.message);
    throw error;
  }
  return data;
}

module.exports = { inputFields, lookupFields, looseJson, toData, writable };
