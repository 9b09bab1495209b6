export { withinBudget } from './budget.js';
export { createEngineFilter, type EngineFilterDeps } from './engine-filter.js';
export { type NewMessage, type SendNew, vacationReply } from './follow-ups.js';
export { fromHeaderAddress, gatherFeatures, type MailFeatureSources } from './mail-features.js';
export {
  createFilterPipeline,
  type FilteredEvent,
  type FilterPipeline,
  type FilterPipelineDeps,
  type FilterStart,
} from './pipeline.js';
export { spamHeaders } from './spam-headers.js';
export { type OutboundSpamPolicy, outboundSpamVerdict, SPAM_STAGE, spamStageVerdict } from './spam-stage.js';
