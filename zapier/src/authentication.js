'use strict';
// Custom authentication with an API key (and the server's address for a self-hosted one),
// tested with `currentWorkspace`, whose name labels the connection.

const { graphql } = require('./client');

async function test(z, bundle) {
  const data = await graphql(z, bundle, 'query currentWorkspace { currentWorkspace { id displayName } }', {});
  return { data };
}

module.exports = {
  type: 'custom',
  fields: [
    { key: 'apiKey', label: 'API Key', required: true, type: 'password', helpText: 'A key of your workspace (`twenty-server api-key create`, or the settings page of the API).' },
    {
      key: 'apiUrl',
      label: 'Server URL',
      required: false,
      type: 'string',
      placeholder: 'https://crm.example.com',
      helpText: "Your server's address, e.g. https://crm.example.com. Leave empty for the connector's default.",
    },
  ],
  test,
  connectionLabel: '{{data.currentWorkspace.displayName}}',
};
