export {
  createQuarantineService,
  type QuarantineDeps,
  type QuarantineEntry,
  type QuarantineScope,
  type QuarantineService,
} from './quarantine-service.js';
