export {
  clientNetwork,
  createGreylist,
  type Greylist,
  type GreylistDecision,
  type GreylistDeps,
  type GreylistSettings,
  type Triplet,
} from './greylist.js';
