import type { ServerConfig } from '../config.js';
import { JobStore } from '../jobs/job-store.js';
import type { Logger } from '../logger.js';
import type { ResultStore } from './result-store.js';
import { S3ResultStore } from './s3-result-store.js';

/** The store FACECRAFT_STORE names: the output folder (default) or the S3 bucket. */
export function createResultStore(config: ServerConfig, logger: Logger): ResultStore {
  if (config.store === 's3' && config.s3) return new S3ResultStore(config.s3, logger);
  return new JobStore(config.outputDir, logger);
}
