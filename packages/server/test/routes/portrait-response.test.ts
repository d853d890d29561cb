// The answers' schemas are the definitions the builders are checked against (at compile time);
// here a real portrait's answers are held to the schemas /openapi.json publishes, both ways:
// every value fits, and no field is sent that the schema does not name.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { BATCH_ITEM, batchItemResult, batchSummary, PROCESS_RESPONSE, singleResponse } from '../../src/routes/portrait-response.js';
import type { PortraitJobResult } from '../../src/workers/worker-pool.js';
import { madePortrait, schemasOf, undocumented as undocumentedIn } from '../support/route-app.js';
import { modelsDir, schemaErrors } from '../support/server-harness.js';

const config = loadConfig({ FACECRAFT_MODELS_DIR: modelsDir }, { defaultPlaygroundDir: '/nonexistent' });
const components = schemasOf(config);
const undocumented = (value: unknown, schema: Record<string, unknown>) => undocumentedIn(value, schema, components);

const JOB = '123e4567-e89b-42d3-a456-426614174000';
let job: PortraitJobResult;

beforeAll(async () => {
  job = await madePortrait();
}, 120_000);

describe('portrait answers', () => {
  it('publish the schemas the builders are checked against', () => {
    expect(components.ProcessResponse).toBe(PROCESS_RESPONSE);
    expect(components.BatchItem).toBe(BATCH_ITEM);
  });

  it('a real /process answer fits ProcessResponse and sends nothing it does not name', () => {
    const body = singleResponse(JOB, job, performance.now(), true);
    expect(schemaErrors(body, components.ProcessResponse, components)).toEqual([]);
    expect(undocumented(body, components.ProcessResponse)).toEqual([]);
  });

  it('a real batch answer, one item made and one failed, fits BatchResponse and sends nothing it does not name', () => {
    const made = batchItemResult(JOB, { index: 0, filename: 'a.jpg', job }, true);
    const failed = batchItemResult(JOB, { index: 1, filename: 'b.jpg', error: new Error('boom') }, false);
    const body = batchSummary(JOB, [made, failed], 12.4);
    expect(body).toMatchObject({ success: false, total: 2, successful: 1, failed: 1, processing_time_ms: 12 });
    expect(schemaErrors(body, components.BatchResponse, components)).toEqual([]);
    expect(undocumented(body, components.BatchResponse)).toEqual([]);
  });
});
