export { createLogger, type Logger, type LoggerOptions, REDACT_PATHS, redactUrl } from './logger.js';
