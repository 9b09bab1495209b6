/** Where sync progress goes: a terminal gets a redrawn bar, anything else plain lines. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

export interface Progress {
  phase: 'starting' | 'reading' | 'planning' | 'applying' | 'done';
  done: number;
  total: number | null;
}

const PHASE_TEXT: Record<Progress['phase'], string> = {
  starting: 'starting',
  reading: 'reading the directory',
  planning: 'planning changes',
  applying: 'applying changes',
  done: 'done',
};

function bar(done: number, total: number, width: number): string {
  const share = total > 0 ? Math.min(1, done / total) : 1;
  const full = Math.round(share * width);
  return `[${'#'.repeat(full)}${'-'.repeat(width - full)}] ${String(Math.floor(share * 100)).padStart(3)}%`;
}

/**
 * Shows a sync's progress. On a terminal: one line redrawn in place
 * (`\r`, erase line) at most every 100 ms, a bar while applying. Otherwise
 * (a pipe, a log file): a line when the phase changes and every 10% applied.
 */
export function createProgressPrinter(
  label: string,
  stream: ProgressStream,
  now: () => number = Date.now,
  phaseText: Partial<Record<Progress['phase'], string>> = {},
) {
  const text = { ...PHASE_TEXT, ...phaseText };
  let lastPhase: Progress['phase'] | undefined;
  let lastDraw = 0;
  let lastDecile = 0;
  let drawn = false;
  let entriesRead = 0;
  return {
    update(p: Progress): void {
      if (stream.isTTY) {
        if (p.phase === lastPhase && now() - lastDraw < 100 && p.done !== p.total) return;
        lastPhase = p.phase;
        lastDraw = now();
        const detail =
          p.phase === 'applying' && p.total !== null
            ? `${bar(p.done, p.total, 20)} ${p.done}/${p.total}`
            : p.phase === 'reading'
              ? `${p.done} entries`
              : '';
        const line = `${label}: ${text[p.phase]} ${detail}`.trimEnd();
        // A terminal of unknown width (0, as some ptys report) gets the whole line.
        const width = stream.columns && stream.columns > 20 ? stream.columns - 1 : line.length;
        stream.write(`\r\x1b[2K${line.slice(0, width)}`);
        drawn = true;
        return;
      }
      if (p.phase === 'reading') entriesRead = p.done;
      if (p.phase !== lastPhase) {
        if (lastPhase === 'reading') stream.write(`${label}: read ${entriesRead} entries\n`);
        lastPhase = p.phase;
        lastDecile = 0;
        const what =
          p.phase === 'applying' && p.total !== null ? `${text[p.phase]} (${p.total})` : text[p.phase];
        stream.write(`${label}: ${what}\n`);
      }
      if (p.phase === 'applying' && p.total) {
        const decile = Math.floor((p.done / p.total) * 10);
        if (decile > lastDecile && p.done > 0) {
          lastDecile = decile;
          stream.write(`${label}: applied ${p.done}/${p.total}\n`);
        }
      }
    },
    /** Ends the redrawn line so what follows starts on a fresh one. */
    finish(): void {
      if (stream.isTTY && drawn) stream.write('\r\x1b[2K');
    },
  };
}
