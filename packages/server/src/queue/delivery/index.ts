export { localVerdict, type Verdict, verdictOfReply } from './classify.js';
export { type MxHost, type MxPlan, orderByPreference, planMx } from './mx.js';
export { createSmtpTransport, type SmtpTransportDeps } from './transport.js';
export type { DeliveryJob, DeliveryResult, RecipientResult, Transport } from './types.js';
