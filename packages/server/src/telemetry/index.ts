export { createLogger, type Logger, type LoggerOptions, REDACT_PATHS, redactUrl } from './logger.js';
export { createMetrics, type Metrics } from './metrics.js';
