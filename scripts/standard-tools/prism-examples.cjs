// Asks a running `prism mock --errors` for every documented example of one spec and fails
// on anything Prism finds invalid. Run by scripts/standard-tools.sh, which starts and stops
// the mock server; usage: node prism-examples.cjs TOOLS_DIR SPEC BASE_URL
//
// What is checked, per operation (as Prism itself reads the spec, external `$ref`s
// resolved):
// - every named example of every response media type (`examples`, and `example`, which
//   Prism names `default`): asked for with `Prefer: code=<status>, example=<name>`; Prism
//   validates what it serves against the response's schema (and its headers) and, with
//   `--errors`, answers 500 with the violations instead. The body must come back as the
//   example, so the example itself is what was validated.
// - every response and media type without a named example: asked for with
//   `Prefer: code=<status>`; Prism serves what it builds from the schema (schema-level
//   `example`s and `default`s first) and validates it the same way.
// - request examples: every parameter's examples (path, query, header) and every request
//   body example are sent with the requests; Prism validates the request and reports each
//   violation in the `sl-violations` header (an invalid request gets a 4XX answer).
// Every request has a 10 s timeout; the whole run is bounded by the caller.
'use strict';

const path = require('path');
const util = require('util');

const [toolsDir, specPath, baseUrl] = process.argv.slice(2);
if (!toolsDir || !specPath || !baseUrl) {
  console.error('usage: node prism-examples.cjs TOOLS_DIR SPEC BASE_URL');
  process.exit(2);
}
const prismHttp = require(
  require.resolve('@stoplight/prism-http', { paths: [path.resolve(toolsDir, 'node_modules')] }),
);

const REQUEST_TIMEOUT_MS = 10000;

/** The first example value of a parameter, its default, or a value its schema accepts. */
function valueOf(param) {
  const examples = param.examples || [];
  if (examples.length > 0) return examples[0].value;
  const schema = param.schema || {};
  if (schema.default !== undefined) return schema.default;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  switch (schema.type) {
    case 'integer':
    case 'number':
      return schema.minimum !== undefined ? schema.minimum : 1;
    case 'boolean':
      return true;
    default:
      return 'x'.repeat(Math.max(1, schema.minLength || 1));
  }
}

/** A status code Prism can be asked for: `default` and `4XX` become an undocumented one. */
function statusFor(code, documented) {
  if (/^[1-5][0-9][0-9]$/.test(code)) return Number(code);
  const candidates = /^[1-5]XX$/i.test(code)
    ? Array.from({ length: 100 }, (_, i) => Number(code[0]) * 100 + i)
    : [500, 502, 503, 400, 404, 418];
  return candidates.find(c => !documented.has(String(c)));
}

/** Credentials for one alternative of the operation's security: every scheme it names. */
function credentials(operation, headers, query) {
  const alternatives = operation.security || [];
  const usable = alternatives.find(schemes =>
    schemes.every(s => (s.type === 'apiKey' && s.in !== 'cookie') || s.type === 'http' || s.type === 'oauth2' || s.type === 'openIdConnect'),
  );
  for (const scheme of usable || []) {
    if (scheme.type === 'apiKey' && scheme.in === 'header') headers[scheme.name] = 'token';
    else if (scheme.type === 'apiKey' && scheme.in === 'query') query.push([scheme.name, 'token']);
    else if (scheme.type === 'http' && /^basic$/i.test(scheme.scheme)) headers.Authorization = 'Basic dTpw';
    else headers.Authorization = `${scheme.type === 'http' ? scheme.scheme : 'Bearer'} token`;
  }
}

function serializeValue(value) {
  if (Array.isArray(value)) return value.map(String).join(',');
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The request for one case: `overrides` replaces the values of some parameters. */
function buildRequest(operation, overrides = {}) {
  const request = operation.request || {};
  const headers = {};
  const query = [];
  credentials(operation, headers, query);
  let urlPath = operation.path;
  for (const param of request.path || []) {
    const value = param.name in overrides ? overrides[param.name] : valueOf(param);
    urlPath = urlPath.split(`{${param.name}}`).join(encodeURIComponent(serializeValue(value)));
  }
  for (const param of request.query || []) {
    if (!(param.required || (param.examples || []).length > 0 || param.name in overrides)) continue;
    const value = param.name in overrides ? overrides[param.name] : valueOf(param);
    const values = Array.isArray(value) && param.explode !== false ? value : [value];
    for (const v of values) query.push([param.name, serializeValue(v)]);
  }
  for (const param of request.headers || []) {
    if (!(param.required || (param.examples || []).length > 0 || param.name in overrides)) continue;
    headers[param.name] = serializeValue(param.name in overrides ? overrides[param.name] : valueOf(param));
  }
  const search = query.length > 0 ? `?${new URLSearchParams(query)}` : '';
  return { path: urlPath + search, headers };
}

/** The first request body example, to send where a body is required. */
function firstBody(operation) {
  const body = (operation.request || {}).body;
  for (const content of (body && body.contents) || []) {
    for (const example of content.examples || []) {
      return { mediaType: content.mediaType, value: example.value };
    }
  }
  return undefined;
}

function encodeBody(mediaType, value) {
  if (/json/i.test(mediaType)) return JSON.stringify(value);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Every case of one operation. */
function casesOf(operation) {
  const documented = new Set(operation.responses.map(r => String(r.code)));
  const success = operation.responses.map(r => String(r.code)).find(c => /^2/.test(c));
  const successStatus = success && statusFor(success, documented);
  const requiredBody = (operation.request || {}).body && operation.request.body.required ? firstBody(operation) : undefined;
  const cases = [];
  for (const response of operation.responses) {
    const status = statusFor(String(response.code), documented);
    const contents = response.contents || [];
    if (contents.length === 0) {
      cases.push({ what: `response ${response.code} (no body)`, status, body: requiredBody });
    }
    for (const content of contents) {
      const examples = content.examples || [];
      if (examples.length === 0) {
        cases.push({
          what: `response ${response.code} ${content.mediaType} (built from the schema)`,
          status,
          accept: content.mediaType,
          body: requiredBody,
        });
      }
      for (const example of examples) {
        cases.push({
          what: `response ${response.code} ${content.mediaType} example \`${example.key}\``,
          status,
          accept: content.mediaType,
          example,
          body: requiredBody,
        });
      }
    }
  }
  // Request examples beyond the first of each parameter (the first is in every request).
  const request = operation.request || {};
  for (const [place, params] of [['path', request.path], ['query', request.query], ['header', request.headers]]) {
    for (const param of params || []) {
      for (const example of (param.examples || []).slice(1)) {
        cases.push({
          what: `${place} parameter ${param.name} example \`${example.key}\``,
          status: successStatus,
          overrides: { [param.name]: example.value },
          body: requiredBody,
        });
      }
    }
  }
  for (const content of (request.body && request.body.contents) || []) {
    for (const example of content.examples || []) {
      cases.push({
        what: `request body ${content.mediaType} example \`${example.key}\``,
        status: successStatus,
        body: { mediaType: content.mediaType, value: example.value },
      });
    }
  }
  return cases;
}

async function run(operation, testCase) {
  const { path: urlPath, headers } = buildRequest(operation, testCase.overrides);
  const prefer = [`code=${testCase.status}`];
  if (testCase.example) prefer.push(`example=${testCase.example.key}`);
  headers.Prefer = prefer.join(', ');
  if (testCase.accept) headers.Accept = testCase.accept;
  let body;
  if (testCase.body) {
    headers['Content-Type'] = testCase.body.mediaType;
    body = encodeBody(testCase.body.mediaType, testCase.body.value);
  }
  const response = await fetch(baseUrl + urlPath, {
    method: operation.method.toUpperCase(),
    headers,
    body,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  const problems = [];
  const violations = response.headers.get('sl-violations');
  if (violations) problems.push(`Prism reports: ${violations}`);
  if (response.status !== testCase.status) {
    problems.push(`status ${response.status} instead of ${testCase.status}: ${text.slice(0, 600)}`);
  } else if (testCase.example) {
    const mediaType = (response.headers.get('content-type') || '').toLowerCase();
    let served = text;
    if (/json/.test(mediaType)) {
      try {
        served = JSON.parse(text);
      } catch (error) {
        served = undefined;
      }
    }
    if (!util.isDeepStrictEqual(served, testCase.example.value)) {
      problems.push(`Prism served something else than the example: ${text.slice(0, 300)}`);
    }
  }
  return problems;
}

async function main() {
  const operations = await prismHttp.getHttpOperationsFromSpec(path.resolve(specPath));
  let checked = 0;
  let failed = 0;
  for (const operation of operations) {
    const name = operation.iid || `${operation.method.toUpperCase()} ${operation.path}`;
    for (const testCase of casesOf(operation)) {
      let problems;
      try {
        problems = await run(operation, testCase);
      } catch (error) {
        problems = [`request failed: ${error.message}`];
      }
      checked += 1;
      if (problems.length > 0) {
        failed += 1;
        console.log(`FAIL ${specPath} ${name}: ${testCase.what}`);
        for (const problem of problems) console.log(`     ${problem}`);
      } else {
        console.log(`ok   ${specPath} ${name}: ${testCase.what}`);
      }
    }
  }
  console.log(`${specPath}: ${checked - failed} of ${checked} cases valid for Prism`);
  process.exit(failed > 0 || checked === 0 ? 1 : 0);
}

main().catch(error => {
  console.error(`${specPath}: ${error.stack || error}`);
  process.exit(1);
});
