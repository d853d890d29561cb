/** Where the versioned API is mounted: its routers are nested under it, their specs written relative to it. */
export const API_V1_PREFIX = '/api/v1';

/** A route of the versioned API as clients (and the OpenAPI document) see it: `/download/{job_id}` → `/api/v1/download/{job_id}`. */
export function apiPath(path: string): string {
  return `${API_V1_PREFIX}${path}`;
}
