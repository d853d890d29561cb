import { anyObject, boolean, integer, object, oneOf, string } from '../schema/json-schema.js';

/* The bodies of the /jobs routes as schemas: jobs.ts builds each checked against its schema. */
export const JOB_ACCEPTED = object(
  { job_id: string(), state: oneOf(['waiting']), status_url: string({ description: 'GET it for the state (also in the Location header)' }) },
  ['job_id', 'state', 'status_url'],
);

export const JOB_STATUS = object(
  {
    job_id: string(),
    state: oneOf(['waiting', 'active', 'completed', 'failed']),
    progress: integer({ minimum: 0, maximum: 100, description: '10 input read, 20 on an inference worker, 90 made, 100 stored' }),
    attempts: integer({ minimum: 1, description: 'Tries so far: more than one when a worker was lost or storage failed and the job was retried' }),
    png_url: string({ description: 'When completed' }),
    jpg_url: string({ description: 'When completed' }),
    result: anyObject({ description: 'When completed: the same fields as the POST /process answer' }),
    error: object(
      { code: string(), message: string(), retryable: boolean({ description: 'Sending the same photo again may succeed' }) },
      ['code', 'message', 'retryable'],
      { description: 'When failed' },
    ),
  },
  ['job_id', 'state', 'progress', 'attempts'],
);

export const DELETE_RESPONSE = object({ success: boolean(), job_id: string(), message: string() }, ['success', 'job_id']);
