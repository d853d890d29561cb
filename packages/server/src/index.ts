/**
 * @facecraft/server — the HTTP service. `startServer` runs it (other packages' end-to-end tests
 * use it with `port: 0`); `createApp` gives the Koa app; the configuration schema is exported as
 * data so that documentation can be checked against it.
 */
export { startServer, type RunningServer, type StartServerOptions } from './start-server.js';
export { createApp, type AppDeps } from './app.js';
export { CONFIG_VARIABLES, ConfigError, configTableMarkdown, loadConfig, type ConfigVariable, type LoadConfigOptions, type ServerConfig } from './config.js';
export { buildOpenApi } from './openapi.js';
export { JOB_ID_PATTERN } from './jobs/job-id.js';
export { SERVER_VERSION } from './version.js';
export { hugePageMalloc, type HugePageMalloc } from './huge-page-malloc.js';
