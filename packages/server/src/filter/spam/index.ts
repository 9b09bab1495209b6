export {
  chi2Q,
  chiSquareCombine,
  MAX_SIGNIFICANT,
  MIN_PROB_STRENGTH,
  ROBINSON_S,
  ROBINSON_X,
  robinsonF,
} from './bayes.js';
export {
  createSpamClassifier,
  type SpamClassifier,
  type SpamClassifierDeps,
  type SpamClassifierSettings,
  type SpamScope,
  type SpamVerdict,
  type SpamVerdictKind,
} from './classifier.js';
export { createJunkLearner, type JunkLearner, type JunkLearnerDeps, lessonOf } from './junk-learner.js';
export {
  type AuthFeatureInput,
  authFeatures,
  combineScore,
  FEATURE_POINTS,
  featureLabel,
  historyFeatures,
  looksDynamic,
  type MailFeature,
  type RdnsFeatureInput,
  rdnsFeatures,
  type SenderHistoryInput,
} from './mail-features.js';
export { listMailFiles, type MailFile, readMailFiles, splitMbox } from './mail-files.js';
export { messageKey } from './message-key.js';
export { type Confusion, type SpamMetrics, spamMetrics } from './metrics.js';
export { normalizeText, simplifyChinese } from './normalize.js';
export { createRdnsCheck, type RdnsCheck, type ResolveRecords, reverseName } from './rdns.js';
export { createSenderHistory, type SenderHistory } from './sender-history.js';
export { tokenId } from './token-hash.js';
export { GLOBAL_SCOPE, type LearnOutcome, type SpamClass } from './token-store.js';
export { DEFAULT_LIMITS, type TokenizeLimits, type TokenizeOptions, tokenizeMessage } from './tokenize.js';
export { decideUnsure, UNSURE_HIGH, UNSURE_LOW, unsureFeatures } from './unsure.js';
export { cjkBigrams } from './words.js';
