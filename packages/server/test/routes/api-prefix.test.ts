// routes/api-prefix.ts: `/api/v1` written once; the OpenAPI document's API paths and the
// answers' URLs all come from it.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { allRouteSpecs } from '../../src/openapi.js';
import { API_V1_PREFIX, apiPath } from '../../src/routes/api-prefix.js';
import { downloadUrl } from '../../src/routes/portrait-response.js';
import { modelsDir } from '../support/server-harness.js';

describe('routes/api-prefix.ts', () => {
  it('puts every secured route, and only those, under the one prefix', () => {
    const specs = allRouteSpecs(loadConfig({ FACECRAFT_MODELS_DIR: modelsDir }, { defaultPlaygroundDir: '/nonexistent' }));
    for (const spec of specs) expect([spec.path, spec.path.startsWith(`${API_V1_PREFIX}/`)]).toEqual([spec.path, spec.secured]);
    expect(apiPath('/jobs')).toBe('/api/v1/jobs');
    expect(downloadUrl('abc', 'jpg', 2)).toBe('/api/v1/download/abc/2/jpg');
  });
});
