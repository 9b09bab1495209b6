/** Counts of an evaluation: spam caught and missed, ham kept and wrongly flagged. */
export interface Confusion {
  truePositives: number;
  falseNegatives: number;
  trueNegatives: number;
  falsePositives: number;
}

/** The usual measures of a spam filter; spam is the positive class. */
export interface SpamMetrics extends Confusion {
  precision: number;
  recall: number;
  f1: number;
  /** Share of ham flagged as spam. */
  falsePositiveRate: number;
}

/** Precision, recall, F1 and false-positive rate from the counts (0 where a ratio has nothing to count). */
export function spamMetrics(c: Confusion): SpamMetrics {
  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  const precision = ratio(c.truePositives, c.truePositives + c.falsePositives);
  const recall = ratio(c.truePositives, c.truePositives + c.falseNegatives);
  return {
    ...c,
    precision,
    recall,
    f1: ratio(2 * precision * recall, precision + recall),
    falsePositiveRate: ratio(c.falsePositives, c.falsePositives + c.trueNegatives),
  };
}
