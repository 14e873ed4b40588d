import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { TestPlatform } from '../support/platform.js';

// The client's committed inputs (packages/client/openapi.json, src/schema.ts) against the document
// the running API serves: regenerating from it must give exactly the committed files.
const root = new URL('../../../', import.meta.url);
interface Generator {
  OPENAPI_JSON: string;
  SCHEMA_TS: string;
  renderClientFiles(document: unknown): Promise<{ openapiJson: string; schemaTs: string }>;
}
const HOW = 'the API changed: run `npm run client:generate` and commit packages/client/openapi.json and src/schema.ts';

type Operation = { responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> };

describe('the typed client matches the served OpenAPI document', () => {
  let platform: TestPlatform;
  let served: { paths: Record<string, Record<string, Operation>> };
  let generator: Generator;

  before(async () => {
    platform = await TestPlatform.start({ worker: false });
    const res = await fetch(`${platform.apiUrl}/docs-json`);
    assert.equal(res.status, 200);
    served = (await res.json()) as typeof served;
    generator = (await import(new URL('scripts/client-generate.mjs', root).href)) as Generator;
  });
  after(async () => {
    await platform?.stop();
  });

  it('regenerating from /docs-json gives the committed openapi.json and schema.ts', async () => {
    const files = await generator.renderClientFiles(served);
    assert.ok(files.openapiJson === readFileSync(new URL(generator.OPENAPI_JSON, root), 'utf8'), `${generator.OPENAPI_JSON} differs: ${HOW}`);
    assert.ok(files.schemaTs === readFileSync(new URL(generator.SCHEMA_TS, root), 'utf8'), `${generator.SCHEMA_TS} differs: ${HOW}`);
  });

  it('documents a JSON body for every success (but 204) and ErrorBody for the errors of every /v1 route', () => {
    const problems: string[] = [];
    for (const [path, ops] of Object.entries(served.paths)) {
      if (!path.startsWith('/v1/')) continue;
      for (const [method, op] of Object.entries(ops)) {
        for (const [status, response] of Object.entries(op.responses)) {
          const schema = response.content?.['application/json']?.schema;
          if (status === '204') continue;
          if (!schema) problems.push(`${method} ${path} ${status}: no JSON schema`);
          else if ((status === 'default' || Number(status) >= 400) && schema.$ref !== '#/components/schemas/ErrorBodyResponse') problems.push(`${method} ${path} ${status}: not ErrorBody`);
        }
        if (!op.responses.default) problems.push(`${method} ${path}: no default (error) response`);
      }
    }
    assert.deepEqual(problems, []);
  });
});
