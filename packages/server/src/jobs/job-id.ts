import { randomUUID } from 'node:crypto';

/**
 * Job ids are random version-4 UUIDs (122 random bits) in lower case. Every route checks an id
 * against this pattern before it is used, so an id can only ever name a folder we created.
 */
export const JOB_ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function newJobId(): string {
  return randomUUID();
}

export function isJobId(value: unknown): value is string {
  return typeof value === 'string' && JOB_ID_PATTERN.test(value);
}
