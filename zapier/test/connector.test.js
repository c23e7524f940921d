'use strict';
// The connector with zapier-platform-core's app tester against the real server: on SQLite
// and on Postgres, authentication, every trigger (subscribing creates a real webhook whose
// delivery to a local receiver is fed to `perform`), every action, and a custom object made
// through the metadata API, end to end. Offline: the definition's validation and the
// input conversion.

// zapier-platform-core logs its memory use on every call unless it knows it is under test.
process.env.NODE_ENV = 'test';

const assert = require('node:assert/strict');
const { after, before, describe, test } = require('node:test');
const zapier = require('zapier-platform-core');

const App = require('..');
const { looseJson, toData, inputFields } = require('../src/fields');
const { errors } = require('../scripts/validate');
const { LiveServer, Receiver, unavailable } = require('./live');

const appTester = zapier.createAppTester(App);
const ci = process.env.CI === 'true';

/** A Zapier error's message (core wraps it as JSON `{message, code, status}`). */
async function refusal(promise) {
  try {
    await promise;
  } catch (error) {
    try {
      return JSON.parse(error.message);
    } catch {
      return { message: error.message };
    }
  }
  assert.fail('expected the call to fail');
}

test('the app definition passes zapier-platform-schema', () => {
  assert.deepEqual(errors(), []);
});

test('list items written loosely, as in Twenty connector', () => {
  assert.deepEqual(looseJson('{ url: "http://a.example/x", label: \'A\' }'), { url: 'http://a.example/x', label: 'A' });
  assert.deepEqual(looseJson('{"number": "1", "callingCode": "+33"}'), { number: '1', callingCode: '+33' });
  assert.throws(() => looseJson('{ url: "open'), /not closed/);
});

test('inputs become the record body: composites nested, values converted, mistakes named', () => {
  const object = {
    nameSingular: 'thing',
    labelSingular: 'Thing',
    fields: [
      { id: '1', name: 'id', type: 'UUID', isSystem: true, isNullable: false, defaultValue: 'uuid' },
      { id: '2', name: 'name', type: 'TEXT', isNullable: false, defaultValue: null, label: 'Name' },
      { id: '3', name: 'size', type: 'NUMBER', isNullable: true, label: 'Size' },
      { id: '4', name: 'links', type: 'LINKS', isNullable: true, label: 'Links' },
      { id: '5', name: 'owner', type: 'RELATION', isNullable: true, label: 'Owner', relation: { type: 'MANY_TO_ONE', targetObjectMetadata: { nameSingular: 'person' } } },
      { id: '6', name: 'parts', type: 'RELATION', isNullable: true, label: 'Parts', relation: { type: 'ONE_TO_MANY' } },
      { id: '7', name: 'createdAt', type: 'DATE_TIME', isSystem: true, isUIReadOnly: true, label: 'Created' },
      { id: '8', name: 'due', type: 'DATE', isNullable: true, label: 'Due' },
      { id: '9', name: 'kind', type: 'SELECT', isNullable: true, label: 'Kind', options: [{ value: 'A', label: 'Kind A' }] },
    ],
  };
  const fields = inputFields(object);
  assert.deepEqual(
    fields.map((f) => f.key),
    ['name', 'size', 'links__primaryLinkLabel', 'links__primaryLinkUrl', 'links__secondaryLinks', 'ownerId', 'due', 'kind'],
  );
  assert.equal(fields[0].required, true);
  assert.deepEqual(fields.find((f) => f.key === 'kind').choices, { A: 'Kind A' });
  assert.equal(inputFields(object, { forUpdate: true })[0].key, 'id');
  assert.equal(inputFields(object, { forUpdate: true })[1].required, false);
  const z = { errors: zapier.errors };
  assert.deepEqual(
    toData(z, object, {
      nameSingular: 'thing',
      name: 'Box',
      size: '12.5',
      links__primaryLinkUrl: 'https://a.example',
      links__secondaryLinks: ['{ url: "https://b.example", label: "B" }'],
      ownerId: '0b06391a-5bc9-4950-9a03-c52455d64ba9',
      due: '2026-03-04T10:00:00Z',
      kind: '',
    }, ['nameSingular']),
    {
      name: 'Box',
      size: 12.5,
      links: { primaryLinkUrl: 'https://a.example', secondaryLinks: [{ url: 'https://b.example', label: 'B' }] },
      ownerId: '0b06391a-5bc9-4950-9a03-c52455d64ba9',
      due: '2026-03-04',
    },
  );
  assert.deepEqual(toData(z, object, { links: { primaryLinkUrl: 'https://c.example' } }), { links: { primaryLinkUrl: 'https://c.example' } });
  assert.throws(() => toData(z, object, { size: 'big' }), /thing\.size: `big` is not a number/);
  assert.throws(() => toData(z, object, { colour: 'red' }), /thing\.colour: no such writable field/);
  assert.throws(() => toData(z, object, { links__nope: 'x' }), /thing\.links has no sub-field `nope`/);
  assert.throws(() => toData(z, object, { createdAt: '2026-01-01' }), /thing\.createdAt: no such writable field/);
});

for (const backend of ['sqlite', 'postgres']) {
  describe(`against the server (${backend})`, () => {
    let server;
    let receiver;
    let skip;
    const bundle = (inputData = {}, extra = {}) => ({
      authData: { apiKey: server.apiKey, apiUrl: server.url },
      inputData: { ...inputData },
      ...extra,
    });
    const perform = (kind, key, method, b) => appTester(App[kind][key].operation[method], b);
    const graphql = async (query, variables = {}) => {
      const body = await server.post('/graphql', { query, variables });
      assert.equal(body.errors, undefined, JSON.stringify(body.errors));
      return body.data;
    };
    const crud = (inputData) => perform('creates', 'crud_record', 'perform', bundle(inputData));

    before(async () => {
      skip = await unavailable(backend);
      if (skip) {
        if (ci) throw new Error(`CI=true and the live connector tests cannot run: ${skip}`);
        return;
      }
      server = await LiveServer.start(backend);
      receiver = await Receiver.start();
    });
    after(async () => {
      if (receiver) await receiver.stop();
      if (server) await server.stop();
    });
    const live = (name, body) =>
      test(name, async (t) => {
        if (skip) return t.skip(skip);
        await body();
      });

    live('authentication: a good key names the workspace; a bad key, a bad URL and an unreachable server are refused clearly', async () => {
      const ok = await appTester(App.authentication.test, bundle());
      assert.equal(ok.data.currentWorkspace.displayName, 'Zapier test');
      assert.equal(ok.data.currentWorkspace.id, server.workspaceId);
      const badKey = await refusal(appTester(App.authentication.test, { authData: { apiKey: 'twk_wrong', apiUrl: server.url } }));
      assert.match(badKey.message, /^UNAUTHENTICATED: /);
      assert.equal(badKey.status, 401);
      const notHttp = await refusal(appTester(App.authentication.test, { authData: { apiKey: server.apiKey, apiUrl: 'ftp://crm.example.com' } }));
      assert.match(notHttp.message, /^The server URL `ftp:\/\/crm.example.com` must start with http/);
      const closed = await refusal(appTester(App.authentication.test, { authData: { apiKey: server.apiKey, apiUrl: 'http://127.0.0.1:9' } }));
      assert.match(closed.message, /^UNREACHABLE: cannot reach the server at http:\/\/127\.0\.0\.1:9/);
    });

    live('crud_record creates, updates and deletes records, composites included', async () => {
      const created = await crud({
        nameSingular: 'Company',
        crudZapierOperation: 'created',
        name: 'Zap Co',
        employees: '12',
        address: { addressCity: 'Paris' },
        linkedinLink__primaryLinkUrl: 'https://linkedin.example/zapco',
        linkedinLink__secondaryLinks: ['{ url: "https://linkedin.example/zapco2", label: "Second" }'],
      });
      const id = created.data.createCompany.id;
      assert.equal(created.data.createCompany.name, 'Zap Co');
      const read = await graphql('query($id: UUID!) { company(filter: {id: {eq: $id}}) { employees address { addressCity } linkedinLink { secondaryLinks } } }', { id });
      assert.equal(read.company.employees, 12);
      assert.equal(read.company.address.addressCity, 'Paris');
      assert.deepEqual(read.company.linkedinLink.secondaryLinks, [{ url: 'https://linkedin.example/zapco2', label: 'Second' }]);
      const person = await crud({
        nameSingular: 'person',
        crudZapierOperation: 'created',
        name__firstName: 'Ada',
        name__lastName: 'Lovelace',
        emails__primaryEmail: 'ada@zap.example',
        phones__primaryPhoneNumber: '610203040',
        phones__additionalPhones: ['{number: "610203041", countryCode: "FR", callingCode: "+33"}'],
        companyId: id,
      });
      assert.equal(person.data.createPerson.companyId, id);
      assert.deepEqual(person.data.createPerson.phones.additionalPhones, [{ number: '610203041', countryCode: 'FR', callingCode: '+33' }]);
      const updated = await crud({ nameSingular: 'company', crudZapierOperation: 'updated', id, name: 'Zap Co Renamed' });
      assert.equal(updated.data.updateCompany.name, 'Zap Co Renamed');
      assert.equal(updated.data.updateCompany.employees, 12, 'fields not given are unchanged');
      const deleted = await crud({ nameSingular: 'company', crudZapierOperation: 'deleted', id });
      assert.equal(deleted.data.deleteCompany.id, id);
      assert.notEqual(deleted.data.deleteCompany.deletedAt, null);
      const missing = await refusal(crud({ nameSingular: 'company', crudZapierOperation: 'updated', id: '0b06391a-5bc9-4950-9a03-c52455d64ba9', name: 'x' }));
      assert.match(missing.message, /^NOT_FOUND: /);
      assert.equal(missing.status, 404);
      const unknown = await refusal(crud({ nameSingular: 'company', crudZapierOperation: 'created', colour: 'red' }));
      assert.match(unknown.message, /^INVALID_INPUT: company\.colour: no such writable field/);
      const noObject = await refusal(crud({ nameSingular: 'spaceship', crudZapierOperation: 'created' }));
      assert.match(noObject.message, /^UNKNOWN_OBJECT: no object `spaceship`/);
    });

    live('crud_record input fields follow the metadata: required fields, composites as field__sub, id first for updates', async () => {
      const create = await appTester(App.creates.crud_record.operation.inputFields[2], bundle({ nameSingular: 'person', crudZapierOperation: 'created' }));
      const keys = create.map((f) => f.key);
      for (const key of ['name__firstName', 'emails__primaryEmail', 'emails__additionalEmails', 'phones__additionalPhones', 'companyId', 'jobTitle']) {
        assert.ok(keys.includes(key), `${key} in ${keys}`);
      }
      for (const key of ['id', 'createdAt', 'createdBy__source', 'searchVector', 'noteTargets', 'position']) {
        assert.ok(!keys.some((k) => k === key || k.startsWith(`${key}__`)), `${key} not in ${keys}`);
      }
      assert.equal(create.find((f) => f.key === 'emails__additionalEmails').list, true);
      const update = await appTester(App.creates.crud_record.operation.inputFields[2], bundle({ nameSingular: 'person', crudZapierOperation: 'updated' }));
      assert.equal(update[0].key, 'id');
      assert.equal(update[0].required, true);
      assert.ok(update.slice(1).every((f) => f.required === false));
    });

    live('find_object_names_singular lists the objects and list_record_ids their records with labels', async () => {
      const objects = await perform('triggers', 'find_object_names_singular', 'perform', bundle());
      const names = objects.map((o) => o.id);
      assert.ok(names.includes('company') && names.includes('person'), names.join());
      assert.ok(!names.includes('noteTarget'), 'system objects are not listed');
      await crud({ nameSingular: 'company', crudZapierOperation: 'created', name: 'Listed One' });
      await crud({ nameSingular: 'company', crudZapierOperation: 'created', name: 'Listed Two' });
      const records = await perform('triggers', 'list_record_ids', 'perform', bundle({ nameSingular: 'company' }));
      assert.ok(records.length >= 2);
      assert.equal(records[0].label, 'Listed Two');
      assert.match(records[0].id, /^[0-9a-f-]{36}$/);
    });

    live('trigger_record: subscribe creates a webhook, its delivery becomes the trigger event, unsubscribe deletes it', async () => {
      const sub = await perform('triggers', 'trigger_record', 'performSubscribe', bundle({ nameSingular: 'company', operation: 'created' }, { targetUrl: receiver.url }));
      const hook = await server.metadata('query($id: UUID!) { webhook(id: $id) { id operations secret targetUrl } }', { id: sub.id });
      assert.deepEqual(hook.webhook.operations, ['company.created']);
      assert.equal(hook.webhook.secret, '');
      const created = await crud({ nameSingular: 'company', crudZapierOperation: 'created', name: 'Hooked' });
      const id = created.data.createCompany.id;
      const delivery = await receiver.next((b) => b.eventName === 'company.created' && b.record.id === id, 'company.created');
      assert.equal(delivery.headers['x-twenty-webhook-signature'], undefined, 'unsigned: the secret is empty');
      const events = await perform('triggers', 'trigger_record', 'perform', bundle({ nameSingular: 'company', operation: 'created' }, { cleanedRequest: delivery.body }));
      assert.equal(events.length, 1);
      assert.equal(events[0].id, delivery.body.eventId);
      assert.equal(events[0].record.name, 'Hooked');
      assert.equal(events[0].eventName, 'company.created');
      const gone = await perform('triggers', 'trigger_record', 'performUnsubscribe', bundle({}, { subscribeData: sub }));
      assert.deepEqual(gone, { id: sub.id, deleted: true });
      const left = await server.metadata('{ webhooks { id } }');
      assert.ok(!left.webhooks.some((w) => w.id === sub.id));
    });

    live('trigger_record: an update trigger limited to chosen fields skips other changes; restored and upserted are operations', async () => {
      const fields = await appTester(App.triggers.trigger_record.operation.inputFields[2], bundle({ nameSingular: 'company', operation: 'updated' }));
      assert.equal(fields[0].key, 'watchedFields');
      assert.ok(Object.keys(fields[0].choices).includes('employees'));
      const none = await appTester(App.triggers.trigger_record.operation.inputFields[2], bundle({ nameSingular: 'company', operation: 'created' }));
      assert.deepEqual(none, []);
      const input = { nameSingular: 'company', operation: 'updated', watchedFields: ['employees'] };
      const sub = await perform('triggers', 'trigger_record', 'performSubscribe', bundle(input, { targetUrl: receiver.url }));
      const restoredSub = await perform('triggers', 'trigger_record', 'performSubscribe', bundle({ nameSingular: 'company', operation: 'restored' }, { targetUrl: receiver.url }));
      const id = (await crud({ nameSingular: 'company', crudZapierOperation: 'created', name: 'Watched' })).data.createCompany.id;
      await crud({ nameSingular: 'company', crudZapierOperation: 'updated', id, name: 'Watched, renamed' });
      const renamed = await receiver.next((b) => b.eventName === 'company.updated' && b.record.id === id, 'the rename');
      assert.deepEqual(await perform('triggers', 'trigger_record', 'perform', bundle(input, { cleanedRequest: renamed.body })), []);
      await crud({ nameSingular: 'company', crudZapierOperation: 'updated', id, employees: 40 });
      const grown = await receiver.next((b) => b.eventName === 'company.updated' && b.record.id === id && b.record.employees === 40, 'the employees change');
      const events = await perform('triggers', 'trigger_record', 'perform', bundle(input, { cleanedRequest: grown.body }));
      assert.equal(events.length, 1);
      assert.deepEqual(events[0].updatedFields, ['employees']);
      assert.equal(events[0].previousRecord.employees, null);
      await crud({ nameSingular: 'company', crudZapierOperation: 'deleted', id });
      await graphql('mutation($id: UUID!) { restoreCompany(id: $id) { id } }', { id });
      const restored = await receiver.next((b) => b.eventName === 'company.restored' && b.record.id === id, 'company.restored');
      assert.equal(restored.body.record.deletedAt, null);
      const upsertInput = { nameSingular: 'person', operation: 'upserted' };
      const upsertSub = await perform('triggers', 'trigger_record', 'performSubscribe', bundle(upsertInput, { targetUrl: receiver.url }));
      for (const jobTitle of ['First', 'Second']) {
        await server.post('/rest/people?upsert=true', { emails: { primaryEmail: 'upsert@zap.example' }, jobTitle });
      }
      const second = await receiver.next((b) => b.eventName === 'person.upserted' && b.record.jobTitle === 'Second', 'the second upsert');
      const upserted = await perform('triggers', 'trigger_record', 'perform', bundle(upsertInput, { cleanedRequest: second.body }));
      assert.equal(upserted[0].eventName, 'person.upserted');
      assert.ok(upserted[0].updatedFields.includes('jobTitle'), JSON.stringify(upserted[0].updatedFields));
      for (const s of [sub, restoredSub, upsertSub]) await perform('triggers', 'trigger_record', 'performUnsubscribe', bundle({}, { subscribeData: s }));
    });

    live('trigger_record performList gives recent records as samples (deleted ones for deleted)', async () => {
      const created = await perform('triggers', 'trigger_record', 'performList', bundle({ nameSingular: 'company', operation: 'created' }));
      assert.ok(created.length > 1);
      assert.ok(created[0].record.id);
      assert.equal(created[0].updatedFields, undefined);
      const updated = await perform('triggers', 'trigger_record', 'performList', bundle({ nameSingular: 'company', operation: 'updated' }));
      assert.equal(updated[0].updatedFields.length, 1);
      const deleted = await perform('triggers', 'trigger_record', 'performList', bundle({ nameSingular: 'company', operation: 'deleted' }));
      assert.ok(deleted.length >= 1);
      assert.ok(deleted.every((e) => e.record.deletedAt !== null));
    });

    live('find_record finds by a composite sub-field, answers nothing when nothing matches; create_record completes find-or-create', async () => {
      const choices = await appTester(App.searches.find_record.operation.inputFields[1], bundle({ nameSingular: 'person' }));
      assert.ok(Object.keys(choices[0].choices).includes('emails.primaryEmail'));
      const made = await perform('creates', 'create_record', 'perform', bundle({ nameSingular: 'person', name__firstName: 'Grace', emails__primaryEmail: 'grace@zap.example' }));
      assert.equal(made.name.firstName, 'Grace');
      const found = await perform('searches', 'find_record', 'perform', bundle({ nameSingular: 'person', lookupField: 'emails.primaryEmail', lookupValue: 'grace@zap.example' }));
      assert.deepEqual(found.map((p) => p.id), [made.id]);
      const quoted = await perform('searches', 'find_record', 'perform', bundle({ nameSingular: 'person', lookupField: 'name.firstName', lookupValue: 'Gr"ace\\' }));
      assert.deepEqual(quoted, []);
      const bad = await refusal(perform('searches', 'find_record', 'perform', bundle({ nameSingular: 'person', lookupField: 'avatar', lookupValue: 'x' })));
      assert.match(bad.message, /^INVALID_INPUT: person cannot be searched by `avatar`/);
    });

    live('a custom object made through the metadata API works end to end', async () => {
      const object = await server.post('/rest/metadata/objects', { nameSingular: 'rocket', namePlural: 'rockets', labelSingular: 'Rocket', labelPlural: 'Rockets', icon: 'IconRocket' });
      const objectId = object.data.createOneObject.id;
      const field = await server.post('/rest/metadata/fields', {
        objectMetadataId: objectId,
        type: 'SELECT',
        name: 'stage',
        label: 'Stage',
        options: [
          { value: 'BUILT', label: 'Built', color: 'blue' },
          { value: 'FLOWN', label: 'Flown', color: 'green' },
        ],
      });
      assert.equal(field.data.createOneField.name, 'stage', JSON.stringify(field));
      const objects = await perform('triggers', 'find_object_names_singular', 'perform', bundle());
      assert.ok(objects.some((o) => o.id === 'rocket' && o.isCustom));
      const fields = await appTester(App.creates.crud_record.operation.inputFields[2], bundle({ nameSingular: 'rocket', crudZapierOperation: 'created' }));
      assert.deepEqual(fields.find((f) => f.key === 'stage').choices, { BUILT: 'Built', FLOWN: 'Flown' });
      const sub = await perform('triggers', 'trigger_record', 'performSubscribe', bundle({ nameSingular: 'rocket', operation: 'created' }, { targetUrl: receiver.url }));
      const created = await crud({ nameSingular: 'rocket', crudZapierOperation: 'created', name: 'Falcon', stage: 'BUILT' });
      const id = created.data.createRocket.id;
      const delivery = await receiver.next((b) => b.eventName === 'rocket.created' && b.record.id === id, 'rocket.created');
      const events = await perform('triggers', 'trigger_record', 'perform', bundle({ nameSingular: 'rocket', operation: 'created' }, { cleanedRequest: delivery.body }));
      assert.equal(events[0].record.stage, 'BUILT');
      assert.equal(events[0].objectName, 'rocket');
      const bad = await refusal(crud({ nameSingular: 'rocket', crudZapierOperation: 'created', name: 'Bad', stage: 'LOST' }));
      assert.match(bad.message, /^[A-Z_]+: .*LOST/);
      await perform('triggers', 'trigger_record', 'performUnsubscribe', bundle({}, { subscribeData: sub }));
    });
  });
}
