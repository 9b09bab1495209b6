export { type ClamdAddress, formatClamdAddress, parseClamdAddress } from './clamd-address.js';
export { type ClamdClient, type ClamdClientOptions, createClamdClient } from './clamd-client.js';
export { parseScanReply, type ScanResult } from './clamd-reply.js';
export { scanForVerdict, VIRUS_STAGE, type VirusPolicy, virusVerdict } from './virus-verdict.js';
