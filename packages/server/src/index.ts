/**
 * @jdmail/server — embed the engine or start it. The `jdmail` CLI is the
 * usual way in; these exports let tests and hosts run it in-process.
 */
export { type Config, ConfigError, listSettings, loadConfig } from './config/index.js';
export { buildEngine, type Engine, initDataDir, type RunningServer, startServer } from './main.js';
export { createLogger } from './telemetry/index.js';
