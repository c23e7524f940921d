'use strict';
// The record trigger: a REST hook. Subscribing creates a webhook on the server for
// `<object>.<operation>` that posts to Zapier; each delivery becomes one trigger event.

const { graphql, rest } = require('../client');
const { object, objectInput, operations } = require('../metadata');

const key = 'trigger_record';
const byKey = new Map(operations.map((o) => [o.key, o]));

function operationOf(z, bundle) {
  const operation = byKey.get(bundle.inputData.operation);
  if (!operation) {
    throw new z.errors.Error(`INVALID_INPUT: unknown operation \`${bundle.inputData.operation}\` (one of ${[...byKey.keys()].join(', ')})`, 'INVALID_INPUT', 400);
  }
  return operation;
}

/** The fields chosen to watch, as a list (Zapier sends a list, or a comma list when mapped). */
function watched(bundle) {
  const given = bundle.inputData.watchedFields;
  const list = Array.isArray(given) ? given : typeof given === 'string' ? given.split(',') : [];
  return list.map((f) => String(f).trim()).filter((f) => f.length > 0);
}

async function performSubscribe(z, bundle) {
  const target = await object(z, bundle, bundle.inputData.nameSingular);
  const operation = operationOf(z, bundle);
  const data = await graphql(
    z,
    bundle,
    'mutation ZapierSubscribe($input: CreateWebhookInput!) { createWebhook(input: $input) { id } }',
    {
      input: {
        targetUrl: bundle.targetUrl,
        operations: [`${target.nameSingular}.${operation.key}`],
        description: `Zapier: ${target.labelSingular} ${operation.key}`,
        // Empty: deliveries to Zapier go unsigned, as with Twenty's connector (the hook URL
        // is the secret).
        secret: '',
      },
    },
    'metadata',
  );
  return data.createWebhook;
}

async function performUnsubscribe(z, bundle) {
  const id = bundle.subscribeData && bundle.subscribeData.id;
  const data = await graphql(z, bundle, 'mutation ZapierUnsubscribe($id: UUID!) { deleteWebhook(id: $id) }', { id }, 'metadata');
  return { id, deleted: data.deleteWebhook };
}

/** One delivery (the body the server posted) as one trigger event. */
function perform(z, bundle) {
  const body = bundle.cleanedRequest || {};
  if (!body.record) return [];
  const fields = watched(bundle);
  const updatedFields = Array.isArray(body.updatedFields) ? body.updatedFields : undefined;
  if (fields.length > 0 && updatedFields && !updatedFields.some((f) => fields.includes(f))) return [];
  const event = {
    id: body.eventId || body.record.id,
    eventName: body.eventName,
    eventDate: body.eventDate,
    objectName: body.objectMetadata ? body.objectMetadata.nameSingular : undefined,
    record: body.record,
  };
  if (updatedFields) event.updatedFields = updatedFields;
  if (body.previousRecord) event.previousRecord = body.previousRecord;
  return [event];
}

/** Samples: the object's latest records shaped as deliveries (deleted ones for `deleted`). */
async function performList(z, bundle) {
  const target = await object(z, bundle, bundle.inputData.nameSingular);
  const operation = operationOf(z, bundle);
  const params = { limit: '3', depth: '0', order_by: 'updatedAt[DescNullsLast]' };
  if (operation.key === 'deleted') params.filter = 'deletedAt[is]:NOT_NULL';
  const body = await rest(z, bundle, 'GET', `/${target.namePlural}`, { params });
  const fields = watched(bundle);
  return body.data[target.namePlural].map((record) => {
    const event = { id: record.id, eventName: `${target.nameSingular}.${operation.key}`, objectName: target.nameSingular, record };
    if (operation.listsUpdatedFields) {
      event.updatedFields = fields.length > 0 ? fields : Object.keys(record).filter((k) => k !== 'id').slice(0, 1);
    }
    return event;
  });
}

/** For updates: the fields whose change should trigger the Zap (empty: any change). */
async function watchedFieldsInput(z, bundle) {
  const operation = byKey.get(bundle.inputData.operation);
  if (!operation || !operation.listsUpdatedFields || !bundle.inputData.nameSingular) return [];
  const target = await object(z, bundle, bundle.inputData.nameSingular);
  const choices = Object.fromEntries(
    target.fields.filter((f) => !(f.relation && f.relation.type === 'ONE_TO_MANY') && f.type !== 'TS_VECTOR').map((f) => [f.name, f.label]),
  );
  return [
    {
      key: 'watchedFields',
      label: 'Only when these fields change',
      list: true,
      required: false,
      choices,
      helpText: 'Leave empty to trigger on any change.',
    },
  ];
}

module.exports = {
  key,
  noun: 'Record',
  display: {
    label: 'Record Trigger',
    description: 'Triggers when a record of the chosen object is created, updated, deleted, destroyed, restored or upserted.',
  },
  operation: {
    type: 'hook',
    inputFields: [
      objectInput,
      {
        key: 'operation',
        label: 'Operation',
        required: true,
        choices: Object.fromEntries(operations.map((o) => [o.key, o.label])),
        altersDynamicFields: true,
      },
      watchedFieldsInput,
    ],
    performSubscribe,
    performUnsubscribe,
    perform,
    performList,
    sample: {
      id: '5b2c3f0e-8c1a-4d8e-9f3a-1c2d3e4f5a6b',
      eventName: 'company.created',
      objectName: 'company',
      eventDate: '2026-01-01T00:00:00.000Z',
      record: { id: '179ed459-79cf-41d9-ab85-96397fa8e936', name: 'Acme' },
    },
  },
};
