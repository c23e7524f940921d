'use strict';
// How the connector talks to the server: its address, the key on every request, GraphQL on
// `/graphql` and `/metadata`, REST under `/rest`, and errors that carry the server's `code`
// and message to the Zap user.

const DEFAULT_URL = 'http://localhost:3000';

/** The server's address: the connection's `apiUrl`, else `SERVER_BASE_URL`, else localhost. */
function baseUrl(z, bundle) {
  const given = (bundle.authData && bundle.authData.apiUrl) || process.env.SERVER_BASE_URL || DEFAULT_URL;
  let url;
  try {
    url = new URL(String(given).trim());
  } catch {
    throw new z.errors.Error(`The server URL \`${given}\` is not a URL; give its address, e.g. https://crm.example.com`, 'INVALID_API_URL', 400);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new z.errors.Error(`The server URL \`${given}\` must start with http:// or https://`, 'INVALID_API_URL', 400);
  }
  return url.href.replace(/\/+$/, '');
}

/** `beforeRequest`: the key and JSON headers on every request. */
function addHeaders(request, z, bundle) {
  request.headers = request.headers || {};
  if (bundle.authData && bundle.authData.apiKey) {
    request.headers.Authorization = `Bearer ${bundle.authData.apiKey}`;
  }
  request.headers.Accept = 'application/json';
  if (request.body !== undefined && request.headers['Content-Type'] === undefined) {
    request.headers['Content-Type'] = 'application/json';
  }
  return request;
}

/** The server's error code and message in a body, REST (`{code, messages}`) or GraphQL (`{errors}`). */
function describe(body) {
  if (body && typeof body === 'object') {
    if (Array.isArray(body.errors) && body.errors.length > 0) {
      const first = body.errors[0];
      const extensions = first.extensions || {};
      return {
        code: extensions.twentyCode || extensions.code || 'ERROR',
        message: body.errors.map((e) => e.message).join('; '),
      };
    }
    if (body.code || body.messages || body.message) {
      const messages = Array.isArray(body.messages) ? body.messages.join('; ') : body.message || body.error;
      return { code: body.code || body.error || 'ERROR', message: messages || 'request refused' };
    }
  }
  return undefined;
}

function parsed(response) {
  if (response.data !== undefined && typeof response.data === 'object') return response.data;
  try {
    return JSON.parse(response.content);
  } catch {
    return undefined;
  }
}

/** `afterResponse`: an error status becomes an error naming the server's code and message. */
function explainErrors(response, z) {
  if (response.status < 400) return response;
  const described = describe(parsed(response));
  const code = described ? described.code : `HTTP_${response.status}`;
  const message = described ? described.message : `the server answered HTTP ${response.status}`;
  throw new z.errors.Error(`${code}: ${message}`, code, response.status);
}

async function send(z, bundle, options) {
  const url = `${baseUrl(z, bundle)}${options.path}`;
  let response;
  try {
    response = await z.request({
      url,
      method: options.method,
      params: options.params,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch (error) {
    // node-fetch's FetchError: no connection, DNS, TLS. Anything else (the server's refusal
    // from explainErrors, Zapier's throttling error) goes up as it is.
    if (!error || error.name !== 'FetchError') throw error;
    throw new z.errors.Error(`UNREACHABLE: cannot reach the server at ${baseUrl(z, bundle)}: ${error.message}`, 'UNREACHABLE', 502);
  }
  return parsed(response);
}

/** A GraphQL operation on `/graphql` (records) or `/metadata`; answers its `data`. */
async function graphql(z, bundle, query, variables, endpoint = 'graphql') {
  const body = await send(z, bundle, { method: 'POST', path: `/${endpoint}`, body: { query, variables } });
  const described = describe(body);
  if (described) {
    throw new z.errors.Error(`${described.code}: ${described.message}`, described.code, 400);
  }
  return body.data;
}

/** A REST call under `/rest`; answers the parsed body. */
function rest(z, bundle, method, path, options = {}) {
  return send(z, bundle, { method, path: `/rest${path}`, params: options.params, body: options.body });
}

module.exports = { addHeaders, baseUrl, explainErrors, graphql, rest };
